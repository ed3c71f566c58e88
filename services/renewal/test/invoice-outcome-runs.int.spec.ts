// Invoicing's outcomes arrive in runs (one customer's partition): a run that carries the issue and
// the payment of many terms — one paid twice, one named in upper case, one of a term renewal does
// not know — renews each term once, extends each service once and schedules each next term.
// Subscription's expiration extensions arrive in runs too: those the schedule has reached already
// change nothing, a move past it schedules the term of the new expiration.
import { randomUUID } from 'node:crypto';
import { invoicing, moveClock, RenewalServiceUnderTest, subscription, uniqueCustomer } from './renewal-service';

describe('a run of invoicing outcomes', () => {
  let service: RenewalServiceUnderTest;

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('outcome_runs');
  });

  afterAll(async () => {
    await service?.close();
  });

  it('renews every term of the run once and schedules each next term', async () => {
    const customerId = uniqueCustomer('runs');
    await moveClock(service, '2031-05-02T10:00:00Z');
    const activated = Array.from({ length: 6 }, () => subscription.activated({ customerId, anchorDate: '2031-05-02', expirationDate: '2032-05-02' }));
    await service.publishServices(...activated.map(({ event }) => event));
    for (const { service: hosting } of activated) await service.waitForTerm(customerId, hosting.serviceId, '2032-05-02');

    await moveClock(service, '2032-04-25T08:00:00Z');
    const serviceIds = activated.map(({ service: hosting }) => hosting.serviceId);
    const requests = (await service.renewals.waitFor('RenewalInvoiceRequested', (event) => serviceIds.includes(event.data.serviceId), serviceIds.length)).map(({ data }) => data);
    const invoiceIds = requests.map(() => randomUUID());
    const unknownTerm = { ...requests[0], renewalTermId: randomUUID() };
    // issued and paid one after the other for each term (one term's id in upper case), a payment
    // repeated, and a stranger
    const asSent = requests.map((request, index) => (index === 1 ? { ...request, renewalTermId: request.renewalTermId.toUpperCase() } : request));
    await service.publishInvoicing(
      ...asSent.flatMap((request, index) => [invoicing.issued(request, invoiceIds[index]), invoicing.paid(request, invoiceIds[index])]),
      { ...invoicing.paid(requests[2], invoiceIds[2]), eventId: randomUUID() },
      invoicing.issued(unknownTerm, randomUUID()),
    );

    const succeeded = await service.renewals.waitFor('RenewalSucceeded', (event) => serviceIds.includes(event.data.serviceId), serviceIds.length);
    expect(succeeded.map(({ data }) => data.renewalTermId).sort()).toEqual(requests.map((request) => request.renewalTermId).sort());
    for (const { serviceId } of requests) {
      const next = await service.waitForTerm(customerId, serviceId, '2033-05-02');
      expect(next).toMatchObject({ status: 'scheduled', newExpirationDate: '2034-05-02' });
    }
    const rows: { transactions: number; succeeded: number }[] = await service.dataSource.query(
      `SELECT count(DISTINCT transaction_id)::int AS transactions, count(*) FILTER (WHERE event_type = 'RenewalSucceeded')::int AS succeeded
         FROM event_store.events WHERE stream_id = ANY ($1::text[]) AND event_type IN ('RenewalInvoiceIssued', 'RenewalSucceeded')`,
      [requests.map((request) => `renewal-term-${request.renewalTermId}`)],
    );
    expect(rows[0].succeeded).toBe(serviceIds.length);
    // the run's facts commit together, not one transaction per event
    expect(rows[0].transactions).toBeLessThan(serviceIds.length);
  });

  it('passes by the expiration extensions of a run that the schedule has reached, and follows one that moves past it', async () => {
    const customerId = uniqueCustomer('extensions');
    await moveClock(service, '2031-05-02T10:00:00Z');
    const [reached, behind, moved] = Array.from({ length: 3 }, () => subscription.activated({ customerId, anchorDate: '2031-05-02', expirationDate: '2032-05-02' }));
    await service.publishServices(reached.event, behind.event, moved.event);
    for (const { service: hosting } of [reached, behind, moved]) await service.waitForTerm(customerId, hosting.serviceId, '2032-05-02');

    // one partition, in this order: the move comes last, so once it shows the others were applied
    await service.publishServices(
      subscription.expirationExtended(reached.service, '2031-05-02', '2032-05-02'),
      subscription.expirationExtended(behind.service, '2030-05-02', '2031-05-02'),
      subscription.expirationExtended(reached.service, '2031-05-02', '2032-05-02'),
      subscription.expirationExtended(moved.service, '2032-05-02', '2032-08-02'),
    );
    await service.waitForTerm(customerId, moved.service.serviceId, '2032-08-02', (term) => term.status === 'scheduled');
    for (const { service: hosting } of [reached, behind]) {
      expect((await service.renewalsOf(customerId, hosting.serviceId)).map(({ expirationDate, status }) => ({ expirationDate, status }))).toEqual([
        { expirationDate: '2032-05-02', status: 'scheduled' },
      ]);
    }
  });
});
