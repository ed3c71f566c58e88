// Dunning end to end: the four services run as real processes on the real broker and PostgreSQL,
// talk only through Kafka, and share one test clock. Two customers order a monthly service on
// Jan 10; their card is refused at the renewal. The renewal invoice is charged again on the
// dunning schedule (+1, +3, +7 days after the first failure), the service goes unpaid at its
// expiration, is suspended 7 days later and terminated when the 30-day grace period ends — unless
// the customer pays in between, which restores it on its original anchor. A third customer has
// two such services: they renew on one invoice, dunned and paid as one, and both are restored.
// A fourth terminates one of two such services during the dunning, before its expiration: that
// line of the shared invoice is credited, and the next attempt charges the other one only.
import { waitForValue } from '@billing/testing';
import { ScenarioPlatform, type Bill, type ScenarioCustomer, type ServiceView } from './platform-scenario';

jest.setTimeout(600_000);

let scenario: ScenarioPlatform;

beforeAll(async () => {
  scenario = await ScenarioPlatform.start();
  await scenario.moveClock('2027-01-10T09:00:00Z');
}, 240_000);

afterAll(async () => {
  await scenario?.stop();
});

/** A customer of the story, with the one monthly web hosting they order. */
class Customer {
  readonly client: ScenarioCustomer;
  serviceId = '';

  constructor(readonly name: string) {
    this.client = scenario.customer(name);
  }

  async orderMonthlyHosting(): Promise<void> {
    this.serviceId = (await this.client.orderOne()).serviceId;
  }

  service(): Promise<ServiceView> {
    return this.client.service(this.serviceId);
  }

  waitForStatus(status: string): Promise<ServiceView> {
    return this.client.waitForService(this.serviceId, (view) => view.status === status, `to be ${status}`);
  }

  async renewalInvoice(): Promise<Bill | undefined> {
    return (await this.client.invoicesOf('autorenew'))[0];
  }

  waitForFailedAttempt(attempt: number): Promise<Bill | undefined> {
    return waitForValue(() => this.renewalInvoice(), (bill) => bill?.lastPaymentFailure?.attempt === attempt, {
      timeoutMs: 60_000,
      description: `${this.name}'s renewal invoice to fail attempt ${attempt}`,
    });
  }
}

describe('a card refused at renewal', () => {
  let lapsing: Customer;
  let payingLate: Customer;
  let grouped: ScenarioCustomer;
  let groupedServiceIds: string[] = [];
  const groupedServicesAre = (until: (view: ServiceView) => boolean, description: string) =>
    Promise.all(groupedServiceIds.map((serviceId) => grouped.waitForService(serviceId, until, description)));

  beforeAll(() => {
    lapsing = new Customer('Alix Lapsing');
    payingLate = new Customer('Bea Payslate');
    grouped = scenario.customer('Gaby Grouped');
  });

  it('delivers a monthly service ordered on Jan 10: it expires on Feb 10', async () => {
    const hosting = { planCode: 'web-hosting-pro', period: 'P1M' };
    const [, , two] = await Promise.all([lapsing.orderMonthlyHosting(), payingLate.orderMonthlyHosting(), grouped.order([hosting, hosting])]);
    groupedServiceIds = two.map((service) => service.serviceId);
    for (const customer of [lapsing, payingLate]) {
      expect(await customer.service()).toMatchObject({ status: 'active', billing: { expirationDate: '2027-02-10' } });
      // the card on file now is refused for lack of funds (a refusal that retrying may cure)
      await customer.client.addCard('tok_insufficient_funds', true);
    }
    for (const service of two) expect(service).toMatchObject({ status: 'active', billing: { expirationDate: '2027-02-10' } });
    await grouped.addCard('tok_insufficient_funds', true);
  });

  it('charges the renewal invoice 7 days before, then again on +1, +3 and +7 days', async () => {
    for (const [day, attempt] of [['2027-02-03', 1], ['2027-02-04', 2], ['2027-02-06', 3], ['2027-02-10', 4]] as const) {
      await scenario.moveClock(`${day}T06:00:00Z`);
      for (const customer of [lapsing, payingLate]) {
        const invoice = await customer.waitForFailedAttempt(attempt);
        expect(invoice).toMatchObject({ status: 'unpaid', lastPaymentFailure: { reason: 'insufficientFunds' } });
      }
      // the two services' terms share one invoice, charged once on each day (attempt n, not 2n)
      const [shared] = await waitForValue(() => grouped.invoicesOf('autorenew'), (bills) => bills[0]?.lastPaymentFailure?.attempt === attempt, {
        timeoutMs: 60_000,
        description: `the grouped renewal invoice to fail attempt ${attempt}`,
      });
      expect(shared).toMatchObject({ status: 'unpaid', totals: { withoutTax: { value: 2 * 799 } } });
      expect(shared.lines.map((line) => line.serviceId).sort()).toEqual([...groupedServiceIds].sort());
      // before its expiration the service runs on, unpaid renewal or not
      if (day < '2027-02-10') expect((await lapsing.service()).status).toBe('active');
    }
    const retries = scenario.topic('billing.renewals.v1').filter(
      (message) => message.type === 'RenewalPaymentRetryScheduled' && message.data.serviceId === lapsing.serviceId,
    );
    expect(retries.map((message) => [message.data.nextAttempt, message.data.retryOn])).toEqual([
      [2, '2027-02-04'],
      [3, '2027-02-06'],
      [4, '2027-02-10'],
    ]);
    expect(await grouped.invoicesOf('autorenew')).toHaveLength(1);
  });

  it('is unpaid from its expiration day (the last retry failed), and suspended 7 days later', async () => {
    await Promise.all([lapsing.waitForStatus('unpaid'), payingLate.waitForStatus('unpaid'), groupedServicesAre((view) => view.status === 'unpaid', 'to be unpaid')]);
    await scenario.moveClock('2027-02-18T06:00:00Z');
    await Promise.all([lapsing.waitForStatus('rupture'), payingLate.waitForStatus('rupture'), groupedServicesAre((view) => view.status === 'rupture', 'to be rupture')]);
  });

  it('a payment during the suspension restores the service on its anchor: Mar 10, not a month after the payment', async () => {
    const invoice = await payingLate.renewalInvoice();
    // a new card, which becomes the default: it also pays the next renewal
    const card = await payingLate.client.addCard('tok_success', true);
    const paid = await payingLate.client.call<{ status: string }>('invoicing', 'POST', `/me/bill/${invoice?.billId}/pay`, { paymentMethodId: card });
    expect(paid).toMatchObject({ status: 200, body: { status: 'paid' } });
    const restored = await payingLate.waitForStatus('active');
    expect(restored.billing.expirationDate).toBe('2027-03-10');

    // one payment of the shared invoice restores both services
    const [shared] = await grouped.invoicesOf('autorenew');
    const groupedCard = await grouped.addCard('tok_success', true);
    expect(await grouped.call('invoicing', 'POST', `/me/bill/${shared.billId}/pay`, { paymentMethodId: groupedCard })).toMatchObject({ status: 200, body: { status: 'paid' } });
    const both = await groupedServicesAre((view) => view.status === 'active', 'restored');
    expect(both.map((view) => view.billing.expirationDate)).toEqual(['2027-03-10', '2027-03-10']);
  });

  it('terminates the unpaid one when the 30-day grace period ends; the restored one renews with its new card', async () => {
    await scenario.moveClock('2027-03-13T06:00:00Z');
    await lapsing.waitForStatus('terminated');
    const renewed = await waitForValue(() => payingLate.service(), (view) => view.billing.expirationDate === '2027-04-10', {
      timeoutMs: 60_000,
      description: 'the restored service to renew on Mar 3 for Apr 10',
    });
    expect(renewed.status).toBe('active');
    // the grouped customer's next renewal: one invoice for both, paid with the new card
    await groupedServicesAre((view) => view.billing.expirationDate === '2027-04-10', 'renewed for Apr 10');
    const renewals = await grouped.invoicesOf('autorenew');
    expect(renewals.map((bill) => [bill.status, bill.lines.length])).toEqual([
      ['paid', 2],
      ['paid', 2],
    ]);
    const subscriptionEvents = scenario.topic('billing.services.v1')
      .filter((message) => message.data.serviceId === lapsing.serviceId)
      .map((message) => message.type);
    expect(subscriptionEvents).toEqual(['ServiceActivated', 'ServiceMarkedUnpaid', 'ServiceSuspended', 'ServiceTerminated']);
  });
});

describe('a service of a shared renewal invoice terminated during the dunning', () => {
  it('credits its line: the next attempt charges the other service only, which renews', async () => {
    const dani = scenario.customer('Dani Divides');
    const hosting = { planCode: 'web-hosting-pro', period: 'P1M' };
    // ordered on Mar 13: both expire on Apr 13 and are invoiced together on Apr 6
    const [kept, stopped] = (await dani.order([hosting, hosting])).map((service) => service.serviceId);
    await dani.addCard('tok_insufficient_funds', true);
    await scenario.moveClock('2027-04-06T06:00:00Z');
    const [shared] = await waitForValue(() => dani.invoicesOf('autorenew'), (bills) => bills[0]?.lastPaymentFailure?.attempt === 1, {
      timeoutMs: 60_000,
      description: "Dani's shared renewal invoice to fail attempt 1",
    });
    expect(shared).toMatchObject({ status: 'unpaid', totals: { withoutTax: { value: 2 * 799 } } });

    // one of the two terminated at once, a week before the expiration its invoice renews
    expect((await dani.call('subscription', 'POST', `/services/${stopped}/terminate`)).status).toBe(202);
    const token = await waitForValue(async () => dani.terminationToken(stopped), () => true, { timeoutMs: 30_000, description: "Dani's termination e-mail" });
    const confirmed = await dani.call('subscription', 'POST', `/services/${stopped}/confirmTermination`, { token, reason: 'NOT_NEEDED_ANYMORE', immediate: true });
    expect(confirmed.status).toBe(200);
    await dani.waitForService(stopped, (view) => view.status === 'terminated', 'terminated at once');

    // its line is credited on the shared invoice, which stays due for the other service
    const credited = await waitForValue(() => dani.bill(shared.billId), (bill) => (bill.creditNotes?.length ?? 0) > 0, {
      timeoutMs: 60_000,
      description: 'a credit note for the terminated service on the shared invoice',
    });
    expect(credited).toMatchObject({ status: 'unpaid', creditNotes: [{ reason: 'refund', refunded: false, totals: { withoutTax: { value: 799 } } }] });
    const [note] = await Promise.all(credited.creditNotes?.map((summary) => dani.bill(summary.billId)) ?? []);
    expect(note.lines.map((line) => line.serviceId)).toEqual([stopped]);
    const due = shared.totals.withTax.value - note.totals.withTax.value;
    expect(credited.amountDue).toEqual({ currency: 'EUR', value: due });

    // a working card before the retry of Apr 7: that attempt charges what is left, and the other renews
    await dani.addCard('tok_success', true);
    await scenario.moveClock('2027-04-07T06:00:00Z');
    const renewed = await dani.waitForService(kept, (view) => view.billing.expirationDate === '2027-05-13', 'renewed for May 13');
    expect(renewed.status).toBe('active');
    const payments = scenario.topic('billing.invoices.v1').filter((message) => message.type === 'InvoicePaid' && message.data.invoiceId === shared.billId);
    expect(payments.map((message) => message.data.amount)).toEqual([{ currency: 'EUR', value: due }]);
    expect((await dani.service(stopped)).status).toBe('terminated');
    expect(await dani.invoicesOf('autorenew')).toHaveLength(1);
  });
});
