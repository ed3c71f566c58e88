// billingctl against the four services running as real processes on the real broker and
// PostgreSQL: the clock, the renewal run, the export, lag, dead letters and their replay, a
// projection rebuild, and the invariant checker — clean after real orders and renewals, then
// reporting the violations planted in the stores.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { PlatformUnderTest, type PlatformServiceName } from '@billing/service-testing';
import { testKafka, testKafkaBrokers, waitForValue, waitUntil } from '@billing/testing';
import { Client } from 'pg';
import { runBillingctl } from '../src/cli/billingctl';
import type { InvariantReport } from '../src/invariants/check-invariants';

jest.setTimeout(300_000);

const services: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];
let platform: PlatformUnderTest;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  platform = await PlatformUnderTest.start({
    services,
    readyTimeoutMs: 180_000,
    // a handful of requests at a time: small pools leave the shared server's connections to the other suites
    env: { DATABASE_POOL_SIZE: '4' },
    serviceEnv: { renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200' } },
  });
  env = {
    NODE_ENV: 'test',
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: platform.topicPrefix,
    ...Object.fromEntries(services.flatMap((name) => [[`${name.toUpperCase()}_URL`, platform.url(name)], [`${name.toUpperCase()}_DATABASE_URL`, platform.databaseUrl(name)]])),
  };
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

/** Runs one command line in process; what it printed and its exit code. */
async function billingctl(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runBillingctl(argv, { out: (text) => (out += text), err: (text) => (err += text), env });
  return { code, out, err };
}

async function billingctlJson<T>(...argv: string[]): Promise<T> {
  const result = await billingctl(...argv, '--json');
  if (result.code !== 0) throw new Error(`billingctl ${argv.join(' ')} exited ${result.code}: ${result.err}${result.out}`);
  return JSON.parse(result.out) as T;
}

async function sql<T>(service: PlatformServiceName, text: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: platform.databaseUrl(service) });
  await client.connect();
  try {
    return (await client.query(text, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

class Customer {
  readonly customerId = `ops-${randomUUID().slice(0, 12)}`;
  private token?: Promise<string>;

  async call<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    this.token ??= issueDevelopmentToken(this.customerId);
    const response = await fetch(`${platform.url(service)}${route}`, {
      method,
      headers: { authorization: `Bearer ${await this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A billing profile, a working card, and `quantity` monthly web hostings in one click. */
  async orderMonthlyHosting(quantity: number): Promise<void> {
    const account = await this.call('invoicing', 'PUT', '/me', {
      subsidiary: 'FR',
      name: `Customer ${this.customerId}`,
      postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' },
      country: 'FR',
      email: `${this.customerId}@example.com`,
    });
    expect(account.status).toBe(200);
    const card = await this.call<{ paymentMethodId: string }>('invoicing', 'POST', '/me/payment/method', { type: 'card', token: 'tok_success', default: true });
    expect(card.status).toBe(201);
    const placed = await this.call('order', 'POST', '/orders', {
      subsidiary: 'FR',
      items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity }],
      autoPay: true,
      paymentMethodId: card.body.paymentMethodId,
    });
    expect(placed.status).toBe(201);
    await waitForValue(
      async () => (await this.call<{ services: unknown[] } | unknown[]>('subscription', 'GET', '/services')).body,
      (answer) => (Array.isArray(answer) ? answer : answer?.services ?? []).length === quantity,
      { timeoutMs: 60_000, description: `the ${quantity} service(s) of ${this.customerId}` },
    );
  }

  async bills(): Promise<{ category: string; status: string }[]> {
    return (await this.call<{ bills: { category: string; status: string }[] }>('invoicing', 'GET', '/me/bill')).body.bills ?? [];
  }
}

const customers = [new Customer(), new Customer()];

describe('the test clock', () => {
  it('is set, shown and advanced for every service', async () => {
    expect(await billingctl('clock', 'set', '2027-01-09T09:00:00Z')).toMatchObject({ code: 0 });
    const advanced = await billingctlJson<{ now: string }>('clock', 'advance', 'P1D');
    expect(advanced.now.startsWith('2027-01-10T09:00')).toBe(true);
    const shown = await billingctl('clock', 'show');
    expect(shown.out).toMatch(/^2027-01-10T09:00:\d\d.*\(.* ahead of real time\)\n$/);
    // the other services run on it too
    await waitUntil(async () => {
      const token = await issueDevelopmentToken('operator', { roles: ['operator'] });
      const answer = await fetch(`${platform.url('invoicing')}/operator/clock`, { headers: { authorization: `Bearer ${token}` } });
      return ((await answer.json()) as { now: string }).now.startsWith('2027-01-10');
    });
  });

  it('refuses a month, which has no fixed length, with the reason', async () => {
    const refused = await billingctl('clock', 'advance', 'P1M');
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/400.*ISO-8601 duration/);
  });
});

describe('after orders and their renewal', () => {
  beforeAll(async () => {
    await Promise.all([customers[0].orderMonthlyHosting(2), customers[1].orderMonthlyHosting(1)]);
  });

  it('runs the renewal scheduler on demand: nothing is due before the invoice day', async () => {
    const report = await billingctlJson<{ dryRun: boolean; claimed: number }>('renewals', 'run', '--dry-run');
    expect(report).toMatchObject({ dryRun: true, claimed: 0 });
  });

  it("renews on the invoice day, 7 days before the expiration: one paid renewal invoice per customer, a customer's services on one", async () => {
    expect((await billingctl('clock', 'set', '2027-02-03T06:00:00Z')).code).toBe(0);
    const run = await billingctl('renewals', 'run');
    expect(run).toMatchObject({ code: 0, out: expect.stringMatching(/^run at 2027-02-03T06:0.*invoice\(s\) requested/) });
    for (const customer of customers) {
      await waitForValue(
        () => customer.bills(),
        (bills) => bills.filter((bill) => bill.category === 'autorenew' && bill.status === 'paid').length === 1,
        { timeoutMs: 60_000, description: `the paid renewal invoice of ${customer.customerId}` },
      );
    }
  });

  it('exports the invoices of a period as CSV, amounts in minor units and formatted', async () => {
    const january = await billingctl('invoices', 'export', '--from', '2027-01-01', '--to', '2027-01-31');
    expect(january.code).toBe(0);
    const [header, ...rows] = january.out.trimEnd().split('\r\n');
    expect(header).toBe('kind,number,series,sequence,subsidiary,issueDate,dueDate,customerId,customerName,creditedInvoice,category,currency,netMinor,taxMinor,totalMinor,net,tax,total,status');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const fields = row.split(',');
      expect(fields[0]).toBe('invoice');
      expect(fields[5]).toBe('2027-01-10');
      expect(Number(fields[12]) + Number(fields[13])).toBe(Number(fields[14]));
      expect(fields[17]).toBe((Number(fields[14]) / 100).toFixed(2));
      expect(fields[18]).toBe('paid');
    }
    const february = await billingctl('invoices', 'export', '--from', '2027-02-01', '--to', '2027-02-28', '--subsidiary', 'FR');
    expect(february.out.trimEnd().split('\r\n').slice(1).map((row) => row.split(',')[10])).toEqual(['autorenew', 'autorenew']);
    const bad = await billingctl('invoices', 'export', '--from', '2027-02-01');
    expect(bad).toMatchObject({ code: 2, err: expect.stringMatching(/needs --from and --to/) });
  });

  it('finds every invariant holding, with something checked by each store rule', async () => {
    // the renewals' last events (expirations extended) may still be on their way: let them land
    const result = await waitForValue(
      () => billingctl('check', '--grace', '0', '--json'),
      (attempt) => attempt.code === 0,
      { timeoutMs: 30_000, description: 'the invariants to hold once the platform has settled' },
    ).catch(() => billingctl('check', '--grace', '0', '--json'));
    const report = JSON.parse(result.out) as InvariantReport;
    expect(report.invariants.filter((invariant) => invariant.violations.length > 0 || invariant.error)).toEqual([]);
    expect(result.code).toBe(0);
    const checked = Object.fromEntries(report.invariants.map((invariant) => [invariant.name, invariant.checked]));
    expect(checked).toMatchObject({
      'delivered-orders-have-their-services': 2,
      // three terms, billed on two invoices
      'renewals-invoiced-once': 3,
      'no-invoice-charged-twice': 4,
      'invoice-numbers-continuous': 4,
      'debt-accounts-match-unpaid-invoices': 2,
    });
    expect(checked['stored-events-published']).toBeGreaterThan(20);
  });

  it('reports the projections at the end of their topics, from their checkpoints', async () => {
    const { groups } = await billingctlJson<{ groups: { groupId: string; positionFrom: string; totalLag: number }[] }>('lag');
    const orders = groups.find((group) => group.groupId === `${platform.topicPrefix}.order.orders`);
    expect(orders).toMatchObject({ positionFrom: 'checkpoint', totalLag: 0 });
  });

  it('rebuilds a projection into fresh tables with the same rows', async () => {
    const { projections } = await billingctlJson<{ projections: { service: string; name: string; readModelTables: string[] }[] }>('projection', 'list');
    expect(projections).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'order', name: 'orders', readModelTables: ['orders'] })]));
    const before = await sql<{ order_id: string; status: string }>('order', 'SELECT order_id, status FROM orders ORDER BY order_id');
    const rebuilt = await billingctl('projection', 'rebuild', 'order', 'orders');
    expect(rebuilt).toMatchObject({ code: 0, out: expect.stringMatching(/^rebuilt order\/orders in \d+ ms/) });
    expect(await sql('order', 'SELECT order_id, status FROM orders ORDER BY order_id')).toEqual(before);
    const unknown = await billingctl('projection', 'rebuild', 'order', 'nonsense');
    expect(unknown).toMatchObject({ code: 3, err: expect.stringMatching(/order has no projection named nonsense/) });
  });

  it('reports the violations planted in the stores, by id, and exits 1', async () => {
    const [paid] = await sql<{ idempotency_key: string; currency: string; amount: string }>(
      'invoicing',
      `SELECT idempotency_key, currency, amount FROM payment_gateway_sandbox.charges WHERE status = 'succeeded' LIMIT 1`,
    );
    const invoiceId = paid.idempotency_key.split(':')[0];
    // the same invoice charged a second time, and a number handed out that no document carries
    await sql('invoicing', `INSERT INTO payment_gateway_sandbox.charges (idempotency_key, charge_id, payment_token, currency, amount, status) VALUES ($1, $2, 'tok_success', $3, $4, 'succeeded')`, [
      `${invoiceId}:9`,
      randomUUID(),
      paid.currency,
      paid.amount,
    ]);
    const [series] = await sql<{ series: string; last_number: number }>('invoicing', `UPDATE invoice_series SET last_number = last_number + 1 RETURNING series, last_number`);
    try {
      const result = await billingctl('check', '--grace', '0');
      expect(result.code).toBe(1);
      expect(result.out).toContain(`VIOLATED no invoice is charged twice at the payment gateway`);
      expect(result.out).toContain(`invoice ${invoiceId}: 2 successful gateway charges`);
      expect(result.out).toContain(`series ${series.series} #${series.last_number}: missing number(s), handed out by the series counter, no document`);
      expect(result.out).toMatch(/^ok +every delivered order has exactly one service per item unit/m);
      expect(result.out).toMatch(/invariants violated\n$/);
    } finally {
      await sql('invoicing', `DELETE FROM payment_gateway_sandbox.charges WHERE idempotency_key = $1`, [`${invoiceId}:9`]);
      await sql('invoicing', `UPDATE invoice_series SET last_number = last_number - 1 WHERE series = $1`, [series.series]);
    }
  });
});

describe('consumer lag', () => {
  it('is the end of each partition less the group’s committed offset, totalled per group', async () => {
    const kafka = testKafka('billingctl-lag');
    const admin = kafka.admin();
    const producer = kafka.producer();
    const topic = `${platform.topicPrefix}.lag-probe`;
    const groupId = `${platform.topicPrefix}.order.lag-probe`;
    await admin.connect();
    await producer.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((n) => ({ partition: 0, value: `m${n}` })) });
      await producer.send({ topic, messages: [0, 1].map((n) => ({ partition: 1, value: `m${n}` })) });
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '2' }] });
      const { groups } = await billingctlJson<{ groups: { groupId: string; positionFrom: string; totalLag: number; partitions: { partition: number; lag: number }[] }[] }>(
        'lag',
        '--group',
        groupId,
      );
      expect(groups).toEqual([
        expect.objectContaining({ groupId, positionFrom: 'commit', totalLag: 3, partitions: [expect.objectContaining({ partition: 0, lag: 3 }), expect.objectContaining({ partition: 1, lag: 0 })] }),
      ]);
      const table = await billingctl('lag', '--group', groupId);
      expect(table.out).toMatch(new RegExp(`${groupId} +Empty, 0 member\\(s\\), from commit +TOTAL of 2 partitions +- +- +- +3`));
      expect(await billingctl('lag', '--group', 'no-such-group')).toMatchObject({ code: 3, err: expect.stringMatching(/no consumer group no-such-group/) });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

describe('dead letters', () => {
  const poisonKey = `poison-${randomUUID().slice(0, 8)}`;
  const ordersDlt = () => `${platform.topicPrefix}.billing.orders.v1.dlt`;
  interface Letter {
    partition: number;
    offset: string;
    key: string;
    origin: { topic: string; partition: number; offset: string };
    error: string;
    consumerGroup: string;
  }

  beforeAll(async () => {
    const producer = testKafka('billingctl-poison').producer();
    await producer.connect();
    await producer.send({ topic: platform.topic('billing.orders.v1'), messages: [{ key: poisonKey, value: 'this is not an event' }] });
    await producer.disconnect();
  });

  /** Every consumer group of the orders topic dead-letters the message once. */
  const lettersOfPoison = async (count: number) =>
    waitForValue(
      async () => (await billingctlJson<{ deadLetters: Letter[] }>('dlt', 'show', 'billing.orders.v1')).deadLetters.filter((letter) => letter.key === poisonKey),
      (letters) => letters.length >= count,
      { timeoutMs: 60_000, description: `${count} dead letters of ${poisonKey}` },
    );

  it('lists the dead-letter topics with their sizes, and shows one dead letter in full', async () => {
    const letters = await lettersOfPoison(3);
    const list = await billingctl('dlt', 'list');
    expect(list.out).toMatch(new RegExp(`${ordersDlt().replace(/\./g, '\\.')} +\\S+ +3\\n`));
    const [first] = letters;
    const inspected = await billingctl('dlt', 'inspect', ordersDlt(), `${first.partition}:${first.offset}`);
    expect(inspected.code).toBe(0);
    expect(inspected.out).toContain(`origin       ${platform.topic('billing.orders.v1')} ${first.origin.partition}:${first.origin.offset}`);
    expect(inspected.out).toContain(`key          ${poisonKey}`);
    expect(inspected.out).toContain('value        this is not an event');
    expect(inspected.out).toMatch(/error {8}\S+/);
    expect(new Set(letters.map((letter) => letter.consumerGroup)).size).toBe(3);
    const missing = await billingctl('dlt', 'inspect', ordersDlt(), `${first.partition}:999999`);
    expect(missing).toMatchObject({ code: 3, err: expect.stringMatching(/there is no offset 999999/) });
  });

  it('replays a dead letter to its origin topic and partition with its key (a dry run sends nothing)', async () => {
    const [first] = await lettersOfPoison(3);
    const dryRun = await billingctl('dlt', 'replay', 'billing.orders.v1', '--offset', `${first.partition}:${first.offset}`, '--dry-run');
    expect(dryRun.out).toMatch(/^would republish 1 message\(s\)/);
    const replayed = await billingctlJson<{ replayed: { to: { topic: string; partition: number; offset: string }; key: string }[] }>(
      'dlt',
      'replay',
      'billing.orders.v1',
      '--offset',
      `${first.partition}:${first.offset}`,
    );
    expect(replayed.replayed).toEqual([{ from: expect.anything(), to: { topic: platform.topic('billing.orders.v1'), partition: first.origin.partition, offset: expect.any(String) }, key: poisonKey }]);
    // still malformed: every group dead-letters it again
    await lettersOfPoison(6);
  });

  it('checks that injected malformed messages reached a dead-letter topic', async () => {
    const injected = JSON.stringify([{ topic: 'billing.orders.v1', key: poisonKey }, { topic: 'billing.orders.v1', key: 'never-sent' }]);
    let out = '';
    const code = await runBillingctl(['check', '--grace', '0', '--only', 'malformed-messages-dead-lettered', '--injected', 'injected.json'], {
      out: (text) => (out += text),
      err: (text) => (out += text),
      env,
      readFile: async () => injected,
    });
    expect(code).toBe(1);
    expect(out).toContain(`injected billing.orders.v1 key never-sent: not found in ${ordersDlt()}`);
    expect(out).not.toContain(poisonKey);
  });
});
