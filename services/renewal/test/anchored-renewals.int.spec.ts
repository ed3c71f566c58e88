// A monthly service anchored on Jan 31, renewed term after term as the test clock moves: each
// renewal invoice is requested once, and every expiration lands on the anchored day (Feb 28,
// Mar 31, Apr 30, … Feb 29 in the leap year).
import { randomUUID } from 'node:crypto';
import { derivedEventId } from '@billing/eventsourcing';
import { moveClock, RenewalServiceUnderTest, subscription, invoicing, uniqueCustomer } from './renewal-service';

/** The 48-bit time at the head of a UUID, as the date it falls on (UTC). */
const dateOf = (id: string) => new Date(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toISOString().slice(0, 10);

describe('anchored monthly renewals', () => {
  let service: RenewalServiceUnderTest;

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('anchored');
  });

  afterAll(async () => {
    await service?.close();
  });

  it('requests 13 renewal invoices for a service activated on Jan 31, each term ending on the anchored day', async () => {
    const customerId = uniqueCustomer('monthly');
    await moveClock(service, '2027-01-31T10:00:00Z');
    const { event, service: monthly } = subscription.activated({
      customerId,
      planCode: 'web-hosting-pro',
      period: 'P1M',
      price: { currency: 'EUR', value: 799 },
      anchorDate: '2027-01-31',
      expirationDate: '2027-02-28',
    });
    await service.publishServices(event);
    let term = await service.waitForTerm(customerId, monthly.serviceId, '2027-02-28');
    expect(term).toMatchObject({ newExpirationDate: '2027-03-31', invoiceOn: '2027-02-21', status: 'scheduled', amount: { currency: 'EUR', value: 799 } });

    const terms: { start: string; end: string }[] = [];
    for (let renewal = 1; renewal <= 13; renewal++) {
      // the morning of the billing day, Paris time
      await moveClock(service, `${term.invoiceOn}T07:00:00Z`);
      const [requested] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.renewalTermId === term.renewalTermId);
      expect(requested.key).toBe(customerId);
      expect(requested.data).toMatchObject({ serviceId: monthly.serviceId, autoPay: true, category: 'autorenew', amount: { currency: 'EUR', value: 799 }, billingDate: term.invoiceOn });
      terms.push({ start: requested.data.termStartDate, end: requested.data.termEndDate });

      const invoiceId = randomUUID();
      await service.publishInvoicing(invoicing.issued(requested.data, invoiceId), invoicing.paid(requested.data, invoiceId));
      const [succeeded] = await service.renewals.waitFor('RenewalSucceeded', (candidate) => candidate.data.renewalTermId === term.renewalTermId);
      expect(succeeded.data).toMatchObject({ invoiceId, newExpirationDate: requested.data.termEndDate });
      term = await service.waitForTerm(customerId, monthly.serviceId, requested.data.termEndDate);
    }

    expect(terms).toEqual([
      { start: '2027-02-28', end: '2027-03-31' },
      { start: '2027-03-31', end: '2027-04-30' },
      { start: '2027-04-30', end: '2027-05-31' },
      { start: '2027-05-31', end: '2027-06-30' },
      { start: '2027-06-30', end: '2027-07-31' },
      { start: '2027-07-31', end: '2027-08-31' },
      { start: '2027-08-31', end: '2027-09-30' },
      { start: '2027-09-30', end: '2027-10-31' },
      { start: '2027-10-31', end: '2027-11-30' },
      { start: '2027-11-30', end: '2027-12-31' },
      { start: '2027-12-31', end: '2028-01-31' },
      { start: '2028-01-31', end: '2028-02-29' },
      { start: '2028-02-29', end: '2028-03-31' },
    ]);
    // one request per term, whatever the number of runs in between
    const requests = service.renewals.of('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === monthly.serviceId);
    expect(new Set(requests.map((request) => request.eventId)).size).toBe(13);
    expect(new Set(requests.map((request) => request.data.renewalTermId)).size).toBe(13);
    // each term's id sorts by its start, and so does every id derived from it
    for (const request of requests) {
      expect(request.data.renewalTermId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8/);
      expect(dateOf(request.data.renewalTermId)).toBe(request.data.termStartDate);
      expect(dateOf(request.eventId)).toBe(request.data.termStartDate);
    }
  });

  it('renews a term scheduled before ids were time-ordered under the id it was given then', async () => {
    const customerId = uniqueCustomer('upgraded');
    await moveClock(service, '2027-03-01T10:00:00Z');
    const { event, service: yearly } = subscription.activated({ customerId, anchorDate: '2027-03-01', expirationDate: '2028-03-01' });
    await service.publishServices(event);
    const scheduled = await service.waitForTerm(customerId, yearly.serviceId, '2028-03-01');
    // the row as the previous release minted it: a UUID v5 of the service and the term start
    const legacyTermId = derivedEventId(yearly.serviceId, 'renewal-term/2028-03-01');
    expect(legacyTermId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5/);
    await service.dataSource.query(`UPDATE renewal_terms SET renewal_term_id = $1 WHERE renewal_term_id = $2`, [legacyTermId, scheduled.renewalTermId]);
    // a later activation fact for the service mints no second term for the same start
    await service.publishServices({ ...event, eventId: randomUUID() });

    const term = await service.waitForTerm(customerId, yearly.serviceId, '2028-03-01', (candidate) => candidate.renewalTermId === legacyTermId);
    await moveClock(service, `${term.invoiceOn}T07:00:00Z`);
    const [requested] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === yearly.serviceId);
    expect(requested.data.renewalTermId).toBe(legacyTermId);
    expect(requested.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5/);
    const invoiceId = randomUUID();
    await service.publishInvoicing(invoicing.issued(requested.data, invoiceId), invoicing.paid(requested.data, invoiceId));
    const [succeeded] = await service.renewals.waitFor('RenewalSucceeded', (candidate) => candidate.data.renewalTermId === legacyTermId);
    expect(succeeded.data.newExpirationDate).toBe('2029-03-01');
    // the term it schedules next is time-ordered
    const next = await service.waitForTerm(customerId, yearly.serviceId, '2029-03-01');
    expect(dateOf(next.renewalTermId)).toBe('2029-03-01');
    expect((await service.renewalsOf(customerId, yearly.serviceId)).filter((candidate) => candidate.expirationDate === '2028-03-01')).toHaveLength(1);
  });
});
