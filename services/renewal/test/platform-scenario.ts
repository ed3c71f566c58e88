// What the four-service scenarios share: the platform as real processes on the real broker and
// PostgreSQL, the shared test clock moved through one operator call, and customers who call the
// public APIs with their own bearer token, as a browser or a partner would.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { PlatformUnderTest, readTopicWithKcat, type PlatformServiceName, type TopicMessage } from '@billing/service-testing';
import { waitForValue, waitUntil } from '@billing/testing';

const services: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];

export type Money = { currency: string; value: number };

export interface ServiceView {
  serviceId: string;
  planCode: string;
  status: string;
  billing: {
    expirationDate: string;
    nextBillingDate: string | null;
    price: Money;
    renew: { mode: string; period: string };
    lifecycle: { state: string; pendingActions: string[] };
    engagement?: { engagedUpTo: string; endRule: string } | null;
  };
}

export interface BillSummary {
  billId: string;
  kind: 'invoice' | 'creditNote';
  category: string;
  status: string;
  totals: { withoutTax: Money; tax: Money; withTax: Money };
}

export interface Bill extends BillSummary {
  source?: { kind: string; renewalTermId?: string; serviceId?: string; planChangeId?: string; groupedTerms?: { renewalTermId: string; serviceId: string }[] };
  lines: { planCode?: string; serviceId?: string; unitPrice: Money; periodStart?: string; periodEnd?: string }[];
  lastPaymentFailure?: { attempt: number; reason: string };
  amountDue?: Money;
  creditNotes?: { billId: string; reason: string; refunded: boolean; totals: { withoutTax: Money; tax: Money; withTax: Money } }[];
}

export interface Answer<T> {
  status: number;
  body: T;
}

export class ScenarioPlatform {
  private constructor(
    readonly platform: PlatformUnderTest,
    private readonly operatorToken: string,
  ) {}

  /** The four services with schedulers that look for due work five times a second. */
  static async start(): Promise<ScenarioPlatform> {
    const platform = await PlatformUnderTest.start({
      services,
      readyTimeoutMs: 180_000,
      serviceEnv: {
        renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200' },
        subscription: { TERMINATION_SCHEDULER_INTERVAL_MS: '200' },
      },
    });
    return new ScenarioPlatform(platform, await issueDevelopmentToken('operator-e2e', { roles: ['operator'] }));
  }

  stop(): Promise<void> {
    return this.platform.stop();
  }

  async operator<T>(service: PlatformServiceName, method: string, route: string, body?: unknown, contentType = 'application/json'): Promise<Answer<T>> {
    return call<T>(this.platform.url(service), this.operatorToken, method, route, body, contentType);
  }

  /** Moves the shared test clock and waits until every service runs on it. */
  async moveClock(instant: string): Promise<void> {
    const moved = await this.operator('renewal', 'POST', '/operator/clock', { set: instant });
    if (moved.status !== 200) throw new Error(`the clock did not move to ${instant}: ${moved.status} ${JSON.stringify(moved.body)}`);
    for (const name of services) {
      await waitUntil(async () => Date.parse((await this.operator<{ now: string }>(name, 'GET', '/operator/clock')).body.now) >= Date.parse(instant), {
        timeoutMs: 20_000,
        description: `${name} to run at ${instant}`,
      });
    }
  }

  /** Every message of one of the platform's topics, read with kcat (a real Kafka client). */
  topic(name: string): TopicMessage[] {
    return readTopicWithKcat(this.platform.topic(name));
  }

  customer(name: string): ScenarioCustomer {
    return new ScenarioCustomer(this, name);
  }

  url(service: PlatformServiceName): string {
    return this.platform.url(service);
  }
}

export class ScenarioCustomer {
  readonly customerId: string;
  private token?: string;

  constructor(
    private readonly scenario: ScenarioPlatform,
    readonly name: string,
  ) {
    this.customerId = `${name.split(' ')[0].toLowerCase()}-${randomUUID().slice(0, 12)}`;
  }

  async call<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<Answer<T>> {
    this.token ??= await issueDevelopmentToken(this.customerId);
    return call<T>(this.scenario.url(service), this.token, method, route, body);
  }

  /** A complete billing profile in France and a card, the default one. */
  async openAccount(cardToken = 'tok_success'): Promise<string> {
    const account = await this.call('invoicing', 'PUT', '/me', {
      subsidiary: 'FR',
      name: this.name,
      postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' },
      country: 'FR',
      email: `${this.customerId}@example.com`,
    });
    if (account.status !== 200) throw new Error(`PUT /me answered ${account.status}: ${JSON.stringify(account.body)}`);
    return this.addCard(cardToken, true);
  }

  async addCard(token: string, makeDefault: boolean): Promise<string> {
    const method = await this.call<{ paymentMethodId: string }>('invoicing', 'POST', '/me/payment/method', { type: 'card', token, default: makeDefault });
    if (method.status !== 201) throw new Error(`POST /me/payment/method answered ${method.status}: ${JSON.stringify(method.body)}`);
    return method.body.paymentMethodId;
  }

  /** An account, a card that works, and one item ordered in one click; resolves with its service, delivered. */
  async orderOne(item: { planCode: string; period: string; engagement?: string } = { planCode: 'web-hosting-pro', period: 'P1M' }): Promise<ServiceView> {
    const [service] = await this.order([item]);
    return service;
  }

  /** An account, a card that works, and the items ordered in one click; resolves with their services, delivered. */
  async order(items: readonly { planCode: string; period: string; engagement?: string }[]): Promise<ServiceView[]> {
    const card = await this.openAccount();
    const placed = await this.call<{ orderId: string }>('order', 'POST', '/orders', { subsidiary: 'FR', items: items.map((item) => ({ ...item, quantity: 1 })), autoPay: true, paymentMethodId: card });
    if (placed.status !== 201) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
    return waitForValue(() => this.services(), (list) => list.length === items.length, { timeoutMs: 60_000, description: `the services of ${this.name}` });
  }

  async services(): Promise<ServiceView[]> {
    const answer = await this.call<ServiceView[] | { services: ServiceView[] }>('subscription', 'GET', '/services');
    return Array.isArray(answer.body) ? answer.body : answer.body?.services ?? [];
  }

  async service(serviceId: string): Promise<ServiceView> {
    return (await this.call<ServiceView>('subscription', 'GET', `/services/${serviceId}`)).body;
  }

  waitForService(serviceId: string, until: (view: ServiceView) => boolean, description: string): Promise<ServiceView> {
    return waitForValue(() => this.service(serviceId), until, { timeoutMs: 60_000, description: `${this.name}'s service ${description}` });
  }

  async bills(): Promise<BillSummary[]> {
    return (await this.call<{ bills: BillSummary[] }>('invoicing', 'GET', '/me/bill')).body.bills ?? [];
  }

  async bill(billId: string): Promise<Bill> {
    return (await this.call<Bill>('invoicing', 'GET', `/me/bill/${billId}`)).body;
  }

  /** The customer's invoices of a category, in full, oldest first. */
  async invoicesOf(category: string): Promise<Bill[]> {
    const summaries = (await this.bills()).filter((bill) => bill.kind === 'invoice' && bill.category === category);
    const bills = await Promise.all(summaries.map((summary) => this.bill(summary.billId)));
    return bills.sort((a, b) => (a.lines[0]?.periodStart ?? '').localeCompare(b.lines[0]?.periodStart ?? ''));
  }

  /** The one-time token of the customer's last termination request: e-mailed, so read from its notification. */
  terminationToken(serviceId: string): string {
    const requests = this.scenario.topic('billing.services.v1').filter((message) => message.type === 'ServiceTerminationRequested' && message.data.serviceId === serviceId);
    const token = requests.at(-1)?.data.token;
    if (typeof token !== 'string') throw new Error(`no termination notification for ${serviceId}`);
    return token;
  }
}

async function call<T>(baseUrl: string, token: string, method: string, route: string, body?: unknown, contentType = 'application/json'): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed as T };
}
