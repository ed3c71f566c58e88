// A monthly service anchored on Jan 31, renewed term after term as the test clock moves: each
// renewal invoice is requested once, and every expiration lands on the anchored day (Feb 28,
// Mar 31, Apr 30, … Feb 29 in the leap year).
import { randomUUID } from 'node:crypto';
import { moveClock, RenewalServiceUnderTest, subscription, invoicing, uniqueCustomer } from './renewal-service';

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
  });
});
