// A customer's automatic renewals billed the same day share one invoice: the scheduler's run
// requests them together, the first term's request listing the others, and the invoice's outcome
// (issued, then a declined attempt, then paid) reaches every term it bills. A manual renewal of
// the same day, and another customer's, keep an invoice of their own. The scheduler claims two
// terms at a time here, fewer than the customer has due: a claim cut inside a customer's terms
// takes the rest of them, so the invoice is still one.
import { randomUUID } from 'node:crypto';
import { moveClock, RenewalServiceUnderTest, subscription, invoicing, uniqueCustomer } from './renewal-service';

describe('grouped renewal invoices', () => {
  let service: RenewalServiceUnderTest;

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('grouped', { RENEWAL_SCHEDULER_BATCH_SIZE: '2' });
  });

  afterAll(async () => {
    await service?.close();
  });

  it("bills a customer's automatic terms of one day on one invoice and renews each when it is paid", async () => {
    const customerId = uniqueCustomer('grouped');
    const neighbour = uniqueCustomer('neighbour');
    await moveClock(service, '2027-03-01T10:00:00Z');
    const base = { customerId, anchorDate: '2026-04-10', expirationDate: '2027-04-10' };
    const automatic = [
      subscription.activated({ ...base, price: { currency: 'EUR', value: 8199 } }),
      subscription.activated({ ...base, price: { currency: 'EUR', value: 3599 } }),
      subscription.activated({ ...base, period: 'P1M', anchorDate: '2027-03-10', price: { currency: 'EUR', value: 799 } }),
    ];
    const manual = subscription.activated({ ...base, renewMode: 'manual' });
    const alone = subscription.activated({ ...base, customerId: neighbour });
    await service.publishServices(...[...automatic, manual, alone].map(({ event }) => event));
    for (const { service: activated } of [...automatic, manual, alone]) await service.waitForTerm(activated.customerId, activated.serviceId, '2027-04-10');

    // the invoice day, 7 days before the expiration
    await moveClock(service, '2027-04-03T07:00:00Z');
    const requestOf = async (serviceId: string) => (await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === serviceId))[0].data;
    const requests = await Promise.all(automatic.map(({ service: activated }) => requestOf(activated.serviceId)));
    const [first, ...others] = [...requests].sort((a, b) => (a.renewalTermId < b.renewalTermId ? -1 : 1));
    expect(first.groupedTerms).toEqual(
      others.map(({ renewalTermId, serviceId, universe, planCode, period, amount, termStartDate, termEndDate }) => ({ renewalTermId, serviceId, universe, planCode, period, amount, termStartDate, termEndDate })),
    );
    expect(first.invoicedWith).toBeUndefined();
    for (const other of others) {
      expect(other.invoicedWith).toBe(first.renewalTermId);
      expect(other.groupedTerms).toBeUndefined();
    }
    for (const { service: activated } of [manual, alone]) {
      const request = await requestOf(activated.serviceId);
      expect([request.groupedTerms, request.invoicedWith]).toEqual([undefined, undefined]);
    }

    // invoicing answers once, for the invoice of the group; a declined first attempt is every term's
    const invoiceId = randomUUID();
    await service.publishInvoicing(invoicing.issued(first, invoiceId), invoicing.paymentFailed(first, invoiceId, 1, '2027-04-03T07:00:05Z'));
    for (const request of requests) {
      const term = await service.waitForTerm(customerId, request.serviceId, '2027-04-10', (candidate) => candidate.nextStep === 'paymentRetry');
      expect(term).toMatchObject({ status: 'invoiceRequested' });
    }

    await service.publishInvoicing(invoicing.paid(first, invoiceId, '2027-04-04T07:00:00Z'));
    for (const request of requests) {
      const [succeeded] = await service.renewals.waitFor('RenewalSucceeded', (candidate) => candidate.data.renewalTermId === request.renewalTermId);
      expect(succeeded.data).toMatchObject({ serviceId: request.serviceId, invoiceId, newExpirationDate: request.termEndDate });
    }
  });
});
