// One-click ordering end to end: the order and invoicing services run as real processes on the
// real broker and PostgreSQL, and talk only through Kafka. Order → invoice issued with the
// subsidiary's VAT and currency → charged → delivered, each hop visible on its topic.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { PlatformUnderTest, readTopicWithKcat } from '@billing/service-testing';
import { waitForValue } from '@billing/testing';
import { Client } from 'pg';

jest.setTimeout(240_000);

interface Bill {
  billId: string;
  number: string;
  series: string;
  sequence: number;
  status: string;
  currency: string;
  issuedAt: string;
  source?: { kind: string; orderId?: string };
  taxes: Array<{ rate: number }>;
  totals: { withTax: { value: number } };
}

let platform: PlatformUnderTest;

beforeAll(async () => {
  platform = await PlatformUnderTest.start({
    services: ['order', 'invoicing'],
    // reconcile unknown payment outcomes within seconds, not the production half-minute
    // and let a SIGKILLed member leave its consumer groups in seconds, not the default 30 s
    serviceEnv: {
      invoicing: { PAYMENT_RECONCILIATION_INTERVAL_MS: '250', PAYMENT_OUTCOME_TIMEOUT_MS: '1500', KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000' },
    },
  });
});

afterAll(async () => {
  await platform?.stop();
});

class Customer {
  readonly customerId = `customer-${randomUUID().slice(0, 12)}`;
  private token?: string;

  constructor(readonly subsidiary: string, readonly country: string) {}

  async call<T = Record<string, unknown>>(service: 'order' | 'invoicing', method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
    this.token ??= await issueDevelopmentToken(this.customerId);
    const response = await fetch(`${platform.url(service)}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** The billing profile and a payment method whose sandbox outcome is set by its token. */
  async register(paymentToken: string): Promise<string> {
    const account = await this.call('invoicing', 'PUT', '/me', {
      subsidiary: this.subsidiary,
      name: `Customer ${this.customerId}`,
      postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' },
      country: this.country,
      email: `${this.customerId}@example.com`,
    });
    expect(account.status).toBe(200);
    return this.addPaymentMethod(paymentToken);
  }

  async addPaymentMethod(paymentToken: string): Promise<string> {
    const method = await this.call<{ paymentMethodId: string }>('invoicing', 'POST', '/me/payment/method', { type: 'card', token: paymentToken, default: true });
    expect(method.status).toBe(201);
    return method.body.paymentMethodId;
  }

  async order(planCode: string, period: string, paymentMethodId: string, headers: Record<string, string> = {}): Promise<string> {
    const placed = await this.call<{ orderId: string }>(
      'order',
      'POST',
      '/orders',
      { subsidiary: this.subsidiary, items: [{ planCode, period, quantity: 1 }], autoPay: true, paymentMethodId },
      headers,
    );
    expect(placed.status).toBe(201);
    return placed.body.orderId;
  }

  async orderStatus(orderId: string): Promise<string | undefined> {
    const status = await this.call<{ status: string }>('order', 'GET', `/orders/${orderId}/status`);
    return status.status === 200 ? status.body.status : undefined;
  }

  waitForOrderStatus(orderId: string, expected: string, timeoutMs = 60_000): Promise<string | undefined> {
    return waitForValue(() => this.orderStatus(orderId), (status) => status === expected, {
      timeoutMs,
      description: `order ${orderId} to be ${expected}`,
    });
  }

  async bills(): Promise<Bill[]> {
    const list = await this.call<Bill[] | { bills: Bill[] }>('invoicing', 'GET', '/me/bill');
    const summaries = Array.isArray(list.body) ? list.body : list.body.bills;
    return Promise.all(summaries.map(async (bill) => (await this.call<Bill>('invoicing', 'GET', `/me/bill/${bill.billId}`)).body));
  }

  async invoiceOf(orderId: string): Promise<Bill> {
    return waitForValue(
      async () => (await this.bills()).find((bill) => bill.source?.orderId === orderId) as Bill,
      (bill) => bill !== undefined,
      { timeoutMs: 60_000, description: `the invoice of order ${orderId}` },
    );
  }
}

describe('one-click order across universes and subsidiaries', () => {
  const cases = [
    { subsidiary: 'FR', country: 'FR', planCode: 'web-hosting-pro', period: 'P1Y', currency: 'EUR', rate: 2000 },
    { subsidiary: 'DE', country: 'DE', planCode: 'dedicated-ks-1', period: 'P1M', currency: 'EUR', rate: 1900 },
    { subsidiary: 'GB', country: 'GB', planCode: 'cloud-instance-b3-8', period: 'P1M', currency: 'GBP', rate: 2000 },
    { subsidiary: 'PL', country: 'PL', planCode: 'web-hosting-starter', period: 'P1M', currency: 'PLN', rate: 2300 },
    { subsidiary: 'FR', country: 'FR', planCode: 'telecom-voip-line-solo', period: 'P1M', currency: 'EUR', rate: 2000 },
  ];
  const placed: Array<{ customer: Customer; orderId: string; invoice: Bill }> = [];

  it.each(cases)('$planCode in $subsidiary: invoiced in $currency at $rate bp VAT, charged and delivered', async ({ subsidiary, country, planCode, period, currency, rate }) => {
    const customer = new Customer(subsidiary, country);
    const paymentMethodId = await customer.register('tok_success');
    const orderId = await customer.order(planCode, period, paymentMethodId);

    await customer.waitForOrderStatus(orderId, 'delivered');
    const invoice = await customer.invoiceOf(orderId);
    expect(invoice).toMatchObject({ currency, status: 'paid' });
    expect(invoice.taxes.map((tax) => tax.rate)).toEqual([rate]);
    expect(invoice.number.startsWith(`${subsidiary}-`)).toBe(true);
    placed.push({ customer, orderId, invoice });
  });

  it('shows each hop on its topic (read with kcat)', () => {
    const orders = readTopicWithKcat(platform.topic('billing.orders.v1'));
    const invoices = readTopicWithKcat(platform.topic('billing.invoices.v1'));
    expect(placed.length).toBe(cases.length);
    for (const { customer, orderId, invoice } of placed) {
      const orderTypes = orders.filter((m) => m.data.orderId === orderId).map((m) => m.type);
      expect(orderTypes).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderPaid', 'OrderDelivered']));
      expect(orderTypes.indexOf('OrderPlaced')).toBeLessThan(orderTypes.indexOf('OrderDelivered'));
      const invoiceTypes = invoices.filter((m) => m.data.invoiceId === invoice.billId).map((m) => m.type);
      expect(invoiceTypes).toEqual(expect.arrayContaining(['InvoiceIssued', 'InvoicePaid']));
      // partitioned by customer: every message of the flow carries the customer's key
      expect(new Set([...orders, ...invoices].filter((m) => m.data.customerId === customer.customerId).map((m) => m.key))).toEqual(new Set([customer.customerId]));
    }
  });
});

describe('payments that do not go through', () => {
  it('a declined card leaves the order notPaid with a debt; paying later delivers it', async () => {
    const customer = new Customer('FR', 'FR');
    const declined = await customer.register('tok_declined');
    const orderId = await customer.order('web-hosting-starter', 'P1M', declined);
    await customer.waitForOrderStatus(orderId, 'notPaid');
    const invoice = await waitForValue(() => customer.invoiceOf(orderId), (bill) => bill.status === 'unpaid', { description: 'an unpaid invoice' });

    const debt = await customer.call<{ balances: Array<{ currency: string; [k: string]: unknown }> }>('invoicing', 'GET', '/me/debtAccount');
    expect(JSON.stringify(debt.body)).toContain(String(invoice.totals.withTax.value));

    const good = await customer.addPaymentMethod('tok_success');
    const paid = await customer.call('invoicing', 'POST', `/me/bill/${invoice.billId}/pay`, { paymentMethodId: good });
    expect(paid.status).toBeLessThan(300);
    await customer.waitForOrderStatus(orderId, 'delivered');
  });

  it('a lost gateway response is reconciled into exactly one charge', async () => {
    const customer = new Customer('DE', 'DE');
    const method = await customer.register('tok_lost_response');
    const orderId = await customer.order('web-hosting-pro', 'P1M', method);
    await customer.waitForOrderStatus(orderId, 'delivered');
    const invoice = await customer.invoiceOf(orderId);

    const database = new Client({ connectionString: platform.databaseUrl('invoicing') });
    await database.connect();
    try {
      const { rows } = await database.query("SELECT count(*)::int AS charges FROM payment_gateway_sandbox.charges WHERE idempotency_key LIKE $1 AND status = 'succeeded'", [`${invoice.billId}%`]);
      expect(rows[0].charges).toBe(1);
    } finally {
      await database.end();
    }
  });
});

describe('invoice numbering under load', () => {
  it('200 concurrent orders in three subsidiaries, invoicing SIGKILLed mid-run: numbers 1..n per series, in issue order', async () => {
    const subsidiaries = [
      { subsidiary: 'FR', country: 'FR' },
      { subsidiary: 'DE', country: 'DE' },
      { subsidiary: 'ES', country: 'ES' },
    ];
    const customers = await Promise.all(
      subsidiaries.map(async ({ subsidiary, country }) => {
        const customer = new Customer(subsidiary, country);
        return { customer, method: await customer.register('tok_success') };
      }),
    );
    const orders = Array.from({ length: 200 }, (_, index) => customers[index % customers.length]);
    const placing = Promise.all(orders.map(({ customer, method }) => customer.order('web-hosting-starter', 'P1M', method)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await platform.restart('invoicing');
    const orderIds = await placing;

    // a restart costs a rebalance and a backlog of 200 orders on two cores: wait generously
    await Promise.all(orders.map(({ customer }, index) => customer.waitForOrderStatus(orderIds[index], 'delivered', 180_000)));
    const database = new Client({ connectionString: platform.databaseUrl('invoicing') });
    await database.connect();
    try {
      // every invoice of the run, straight from the event store: number, series and commit order
      const { rows } = await database.query<{ series: string; sequence: number; orderId: string }>(
        `SELECT data->>'series' AS series, (data->>'sequence')::int AS sequence, data->'source'->>'orderId' AS "orderId"
           FROM event_store.events WHERE event_type = 'InvoiceIssued' ORDER BY transaction_id, global_position`,
      );
      // each order of the run invoiced exactly once (earlier tests' invoices share the series)
      const ofThisRun = rows.filter((row) => orderIds.includes(row.orderId));
      expect(ofThisRun).toHaveLength(orderIds.length);
      expect(new Set(ofThisRun.map((row) => row.orderId)).size).toBe(orderIds.length);
      for (const name of new Set(rows.map((row) => row.series))) {
        const sequences = rows.filter((row) => row.series === name).map((row) => row.sequence);
        expect(sequences).toEqual(sequences.map((_, index) => index + 1));
      }
    } finally {
      await database.end();
    }
  });
});
