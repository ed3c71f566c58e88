// Dunning end to end: the four services run as real processes on the real broker and PostgreSQL,
// talk only through Kafka, and share one test clock. Two customers order a monthly service on
// Jan 10; their card is refused at the renewal. The renewal invoice is charged again on the
// dunning schedule (+1, +3, +7 days after the first failure), the service goes unpaid at its
// expiration, is suspended 7 days later and terminated when the 30-day grace period ends — unless
// the customer pays in between, which restores it on its original anchor.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { PlatformUnderTest, readTopicWithKcat, type PlatformServiceName } from '@billing/service-testing';
import { waitForValue, waitUntil } from '@billing/testing';

jest.setTimeout(600_000);

const services: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];
let platform: PlatformUnderTest;
let operatorToken: string;

beforeAll(async () => {
  platform = await PlatformUnderTest.start({
    services,
    readyTimeoutMs: 180_000,
    serviceEnv: {
      renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200' },
      subscription: { TERMINATION_SCHEDULER_INTERVAL_MS: '200' },
    },
  });
  operatorToken = await issueDevelopmentToken('operator-e2e', { roles: ['operator'] });
  await moveClock('2027-01-10T09:00:00Z');
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

/** Moves the shared test clock and waits until every service runs on it. */
async function moveClock(instant: string): Promise<void> {
  const moved = await fetch(`${platform.url('renewal')}/operator/clock`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ set: instant }),
  });
  expect(moved.status).toBe(200);
  for (const name of services) {
    await waitUntil(
      async () => {
        const answer = (await (await fetch(`${platform.url(name)}/operator/clock`, { headers: { authorization: `Bearer ${operatorToken}` } })).json()) as { now: string };
        return Date.parse(answer.now) >= Date.parse(instant);
      },
      { timeoutMs: 20_000, description: `${name} to run at ${instant}` },
    );
  }
}

interface ServiceView {
  serviceId: string;
  status: string;
  billing: { expirationDate: string };
}

interface Bill {
  billId: string;
  status: string;
  source?: { kind: string; renewalTermId?: string };
  lastPaymentFailure?: { attempt: number; reason: string };
}

class Customer {
  readonly customerId = `dunning-${randomUUID().slice(0, 12)}`;
  private token?: string;
  serviceId = '';

  constructor(readonly name: string) {}

  async call<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    this.token ??= await issueDevelopmentToken(this.customerId);
    const response = await fetch(`${platform.url(service)}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async addCard(token: string, makeDefault: boolean): Promise<string> {
    const method = await this.call<{ paymentMethodId: string }>('invoicing', 'POST', '/me/payment/method', { type: 'card', token, default: makeDefault });
    expect(method.status).toBe(201);
    return method.body.paymentMethodId;
  }

  /** A billing profile, a card that works, and a monthly web hosting ordered in one click. */
  async orderMonthlyHosting(): Promise<void> {
    const account = await this.call('invoicing', 'PUT', '/me', {
      subsidiary: 'FR',
      name: this.name,
      postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' },
      country: 'FR',
      email: `${this.customerId}@example.com`,
    });
    expect(account.status).toBe(200);
    const card = await this.addCard('tok_success', true);
    const placed = await this.call<{ orderId: string }>('order', 'POST', '/orders', {
      subsidiary: 'FR',
      items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }],
      autoPay: true,
      paymentMethodId: card,
    });
    expect(placed.status).toBe(201);
    const [service] = await waitForValue(
      async () => (await this.call<ServiceView[] | { services: ServiceView[] }>('subscription', 'GET', '/services')).body,
      (answer) => (Array.isArray(answer) ? answer : answer?.services ?? []).length === 1,
      { timeoutMs: 60_000, description: `the service of ${this.name}` },
    ).then((answer) => (Array.isArray(answer) ? answer : answer.services));
    this.serviceId = service.serviceId;
  }

  service(): Promise<ServiceView> {
    return this.call<ServiceView>('subscription', 'GET', `/services/${this.serviceId}`).then((answer) => answer.body);
  }

  waitForStatus(status: string): Promise<ServiceView> {
    return waitForValue(() => this.service(), (view) => view.status === status, { timeoutMs: 60_000, description: `${this.name}'s service to be ${status}` });
  }

  async renewalInvoice(): Promise<Bill | undefined> {
    const list = await this.call<{ bills: Bill[] }>('invoicing', 'GET', '/me/bill');
    const summary = list.body.bills?.find((bill) => (bill as { category?: string }).category === 'autorenew');
    return summary ? (await this.call<Bill>('invoicing', 'GET', `/me/bill/${summary.billId}`)).body : undefined;
  }

  waitForFailedAttempt(attempt: number): Promise<Bill | undefined> {
    return waitForValue(() => this.renewalInvoice(), (bill) => bill?.lastPaymentFailure?.attempt === attempt, {
      timeoutMs: 60_000,
      description: `${this.name}'s renewal invoice to fail attempt ${attempt}`,
    });
  }
}

describe('a card refused at renewal', () => {
  const lapsing = new Customer('Alix Lapsing');
  const payingLate = new Customer('Bea Payslate');

  it('delivers a monthly service ordered on Jan 10: it expires on Feb 10', async () => {
    await Promise.all([lapsing.orderMonthlyHosting(), payingLate.orderMonthlyHosting()]);
    for (const customer of [lapsing, payingLate]) {
      expect(await customer.service()).toMatchObject({ status: 'active', billing: { expirationDate: '2027-02-10' } });
      // the card on file now is refused for lack of funds (a refusal that retrying may cure)
      await customer.addCard('tok_insufficient_funds', true);
    }
  });

  it('charges the renewal invoice 7 days before, then again on +1, +3 and +7 days', async () => {
    for (const [day, attempt] of [['2027-02-03', 1], ['2027-02-04', 2], ['2027-02-06', 3], ['2027-02-10', 4]] as const) {
      await moveClock(`${day}T06:00:00Z`);
      for (const customer of [lapsing, payingLate]) {
        const invoice = await customer.waitForFailedAttempt(attempt);
        expect(invoice).toMatchObject({ status: 'unpaid', lastPaymentFailure: { reason: 'insufficientFunds' } });
      }
      // before its expiration the service runs on, unpaid renewal or not
      if (day < '2027-02-10') expect((await lapsing.service()).status).toBe('active');
    }
    const retries = readTopicWithKcat(platform.topic('billing.renewals.v1')).filter(
      (message) => message.type === 'RenewalPaymentRetryScheduled' && message.data.serviceId === lapsing.serviceId,
    );
    expect(retries.map((message) => [message.data.nextAttempt, message.data.retryOn])).toEqual([
      [2, '2027-02-04'],
      [3, '2027-02-06'],
      [4, '2027-02-10'],
    ]);
  });

  it('is unpaid from its expiration day (the last retry failed), and suspended 7 days later', async () => {
    await Promise.all([lapsing.waitForStatus('unpaid'), payingLate.waitForStatus('unpaid')]);
    await moveClock('2027-02-18T06:00:00Z');
    await Promise.all([lapsing.waitForStatus('rupture'), payingLate.waitForStatus('rupture')]);
  });

  it('a payment during the suspension restores the service on its anchor: Mar 10, not a month after the payment', async () => {
    const invoice = await payingLate.renewalInvoice();
    // a new card, which becomes the default: it also pays the next renewal
    const card = await payingLate.addCard('tok_success', true);
    const paid = await payingLate.call<{ status: string }>('invoicing', 'POST', `/me/bill/${invoice?.billId}/pay`, { paymentMethodId: card });
    expect(paid).toMatchObject({ status: 200, body: { status: 'paid' } });
    const restored = await payingLate.waitForStatus('active');
    expect(restored.billing.expirationDate).toBe('2027-03-10');
  });

  it('terminates the unpaid one when the 30-day grace period ends; the restored one renews with its new card', async () => {
    await moveClock('2027-03-13T06:00:00Z');
    await lapsing.waitForStatus('terminated');
    const renewed = await waitForValue(() => payingLate.service(), (view) => view.billing.expirationDate === '2027-04-10', {
      timeoutMs: 60_000,
      description: 'the restored service to renew on Mar 3 for Apr 10',
    });
    expect(renewed.status).toBe('active');
    const subscriptionEvents = readTopicWithKcat(platform.topic('billing.services.v1'))
      .filter((message) => message.data.serviceId === lapsing.serviceId)
      .map((message) => message.type);
    expect(subscriptionEvents).toEqual(['ServiceActivated', 'ServiceMarkedUnpaid', 'ServiceSuspended', 'ServiceTerminated']);
  });
});
