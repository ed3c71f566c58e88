// Invoice numbers under load and through a crash: 200 orders placed at once across three
// subsidiaries get numbers 1..n in each series — no gap, no repeat — in the order the issues
// committed (global positions and issue instants go up with the numbers); and the same holds, with
// sharded series and automatic payments, when the service is SIGKILLed mid-run and restarted:
// nothing lost, nothing issued or charged twice.
import { randomUUID } from 'node:crypto';
import type { SubsidiaryCode } from '@billing/billing-kernel';
import { topics } from '@billing/contracts';
import { EventProducer } from '@billing/messaging';
import { freePort, startServiceProcess, type RunningService } from '@billing/service-testing';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import { Client } from 'pg';
import { accountBody, httpRequest, InvoicingServiceUnderTest, orderPlaced, type ItemSpec } from './invoicing-service';

interface IssuedRow {
  series: string;
  sequence: number;
  issued_at: string;
  order_id: string;
  global_position: string;
  transaction_id: string;
}

/** Every invoice and credit note the store holds, in the order of the global log. */
const issuedDocumentsSql = `
  SELECT e.data->>'series' AS series, (e.data->>'sequence')::int AS sequence, e.data->>'issuedAt' AS issued_at,
         e.data->'source'->>'orderId' AS order_id, e.global_position::text AS position_text, e.transaction_id::text AS transaction_text
    FROM event_store.events e
   WHERE e.event_type IN ('InvoiceIssued', 'CreditNoteIssued')
   ORDER BY e.global_position`;

async function issuedDocuments(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<IssuedRow[]> {
  const rows = await query(issuedDocumentsSql);
  return rows.map((row) => ({
    series: String(row.series),
    sequence: Number(row.sequence),
    issued_at: String(row.issued_at),
    order_id: String(row.order_id),
    global_position: String(row.position_text),
    transaction_id: String(row.transaction_text),
  }));
}

/** Each series numbered 1..n without gap or repeat, in commit order, with issue instants that never go back. */
function expectContinuousChronologicalSeries(rows: readonly IssuedRow[]): Map<string, number> {
  const bySeries = new Map<string, IssuedRow[]>();
  for (const row of rows) bySeries.set(row.series, [...(bySeries.get(row.series) ?? []), row]);
  for (const [series, documents] of bySeries) {
    const numbersInLogOrder = documents.map((row) => row.sequence);
    expect({ series, numbers: numbersInLogOrder }).toEqual({ series, numbers: Array.from({ length: documents.length }, (_, index) => index + 1) });
    const byTransaction = [...documents].sort((a, b) => (BigInt(a.transaction_id) < BigInt(b.transaction_id) ? -1 : 1)).map((row) => row.sequence);
    expect({ series, readAllOrder: byTransaction }).toEqual({ series, readAllOrder: numbersInLogOrder });
    const instants = documents.map((row) => Date.parse(row.issued_at));
    expect({ series, chronological: instants.every((instant, index) => index === 0 || instant >= instants[index - 1]) }).toEqual({ series, chronological: true });
  }
  return new Map([...bySeries].map(([series, documents]) => [series, documents.length]));
}

const plans: readonly ItemSpec[] = [
  { planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' },
  { planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 },
  { planCode: 'cloud-instance-b3-8', universe: 'cloud', unitPrice: 4199 },
];
const subsidiaries: readonly SubsidiaryCode[] = ['FR', 'DE', 'PL'];

describe('invoice numbering', () => {
  it('numbers 200 concurrent orders of three subsidiaries 1..n per series, in issue order', async () => {
    const service = await InvoicingServiceUnderTest.start('numbering');
    try {
      const orders = Array.from({ length: 200 }, (_, index) =>
        orderPlaced(`cust-numbering-${index}-${randomUUID().slice(0, 6)}`, subsidiaries[index % 3], [plans[index % 3]], { autoPay: false }),
      );
      // four producers at once, interleaving the subsidiaries on every partition
      await Promise.all([0, 1, 2, 3].map((part) => service.publishOrders(...orders.filter((_, index) => index % 4 === part))));

      await waitUntil(async () => (await service.query<{ count: number }>(`SELECT count(*)::int AS count FROM event_store.events WHERE event_type = 'InvoiceIssued'`))[0].count >= 200, {
        timeoutMs: 60_000,
        description: '200 invoices',
      });
      const rows = await issuedDocuments((sql) => service.query(sql));
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((row) => row.order_id)).size).toBe(200);
      const year = rows[0].series.split('-')[1];
      expect(Object.fromEntries(expectContinuousChronologicalSeries(rows))).toEqual({ [`FR-${year}`]: 67, [`DE-${year}`]: 67, [`PL-${year}`]: 66 });

      // and the topic carries each of them once, with its number
      const published = await service.invoicesTopic.waitFor('InvoiceIssued', () => true, 'the published invoices', 200, 30_000);
      expect(new Set(published.map((invoice) => invoice.number)).size).toBe(200);
    } finally {
      await service.close();
    }
  });

  describe('with the service SIGKILLed mid-run and restarted', () => {
    const entryPoint = require.resolve('../src/main.ts');
    const prefix = `test.invoicing-crash.${randomUUID().slice(0, 8)}`;
    let database: TestDatabase;
    let client: Client;
    let running: RunningService | undefined;
    let baseUrl = '';
    const log: string[] = [];

    /**
     * The first process waits long for the charges whose response is lost (it is killed before it
     * would ask the gateway), so that the crash leaves them in flight; the restarted one settles
     * them after 3 s.
     */
    const launch = async (outcomeTimeoutMs = 3_000) => {
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      running = startServiceProcess(entryPoint, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '20',
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        INVOICE_SERIES_SHARDS: '4',
        PAYMENT_RECONCILIATION_INTERVAL_MS: '250',
        PAYMENT_OUTCOME_TIMEOUT_MS: String(outcomeTimeoutMs),
        // the killed process's consumers are given up after this, not the default 30 s
        KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
      });
      running.child.stderr?.on('data', (chunk: Buffer) => log.push(String(chunk)));
      const exited = running.exited.then(() => {
        throw new Error(`invoicing exited during boot:\n${log.join('').slice(-2_000)}`);
      });
      const ready = waitUntil(async () => (await fetch(`${baseUrl}/health/ready`).catch(() => undefined))?.status === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'invoicing to be ready',
      });
      await Promise.race([ready, exited]);
      exited.catch(() => undefined);
    };

    const count = async (sql: string) => Number((await client.query<{ count: string }>(sql)).rows[0].count);

    beforeAll(async () => {
      database = await createTestDatabase('invoicing_crash');
      client = new Client({ connectionString: database.url });
      await launch(600_000);
      await client.connect();
    });

    afterAll(async () => {
      running?.child.kill('SIGKILL');
      await running?.exited;
      await client?.end().catch(() => undefined);
      await database?.drop();
    });

    it('keeps every series continuous, issues each order once and charges each invoice once', async () => {
      // a quarter of the charges lose their answer: some are in flight when the process dies
      const customers = Array.from({ length: 40 }, (_, index) => ({
        customerId: `cust-crash-${index}-${randomUUID().slice(0, 6)}`,
        subsidiary: subsidiaries[index % 3],
        token: index % 4 === 3 ? 'tok_lost_response' : 'tok_success',
      }));
      const methods = await Promise.all(
        customers.map(async ({ customerId, subsidiary, token }) => {
          expect((await httpRequest(baseUrl, 'PUT', '/me', { customerId, body: accountBody(subsidiary) })).status).toBe(200);
          const method = await httpRequest<{ paymentMethodId: string }>(baseUrl, 'POST', '/me/payment/method', { customerId, body: { type: 'card', token } });
          return method.body.paymentMethodId;
        }),
      );
      const orders = Array.from({ length: 200 }, (_, index) => {
        const { customerId, subsidiary } = customers[index % customers.length];
        return orderPlaced(customerId, subsidiary, [plans[index % 3]], { autoPay: true, paymentMethodId: methods[index % customers.length] });
      });
      const producer = new EventProducer(testKafka('invoicing-crash-orders'));
      try {
        await Promise.all([0, 1, 2, 3].map((part) => producer.publish(`${prefix}.${topics.orders}`, orders.filter((_, index) => index % 4 === part))));
      } finally {
        await producer.disconnect();
      }

      // a crash in the middle of the run: no shutdown hook, transactions cut where they stand
      // (with charges whose outcome is unknown: the restarted process must settle them at boot).
      // Waits for an attempt whose response is lost: one that succeeds may be settled between
      // this look and the kill, and the crash would then leave nothing in flight.
      const lostResponseCustomers = customers.filter(({ token }) => token === 'tok_lost_response').map(({ customerId }) => `'${customerId}'`);
      await waitUntil(
        async () =>
          (await count(`SELECT count(*) FROM event_store.events WHERE event_type = 'InvoiceIssued'`)) >= 40 &&
          (await count(`SELECT count(*) FROM payment_attempts_in_flight WHERE customer_id IN (${lostResponseCustomers.join(', ')})`)) > 0,
        { timeoutMs: 60_000, intervalMs: 20, description: 'the first invoices, and a payment in flight whose response is lost' },
      );
      running?.child.kill('SIGKILL');
      await running?.exited;
      const issuedBeforeCrash = await count(`SELECT count(*) FROM event_store.events WHERE event_type = 'InvoiceIssued'`);
      const inFlightAtCrash = await count(`SELECT count(*) FROM payment_attempts_in_flight`);
      await launch();

      await waitUntil(
        async () =>
          (await count(`SELECT count(*) FROM event_store.events WHERE event_type = 'InvoiceIssued'`)) >= 200 &&
          (await count(`SELECT count(*) FROM event_store.events WHERE event_type IN ('PaymentSucceeded', 'PaymentFailed')`)) >= 200 &&
          (await count(`SELECT count(*) FROM payment_attempts_in_flight`)) === 0,
        { timeoutMs: 90_000, intervalMs: 200, description: 'every order invoiced and every payment settled after the restart' },
      );
      expect(issuedBeforeCrash).toBeLessThan(200);
      expect(inFlightAtCrash).toBeGreaterThan(0);

      const rows = await issuedDocuments(async (sql) => (await client.query(sql)).rows);
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((row) => row.order_id)).size).toBe(200);
      const perSeries = expectContinuousChronologicalSeries(rows);
      expect([...perSeries.keys()].every((series) => /^(FR|DE|PL)-\d{4}-S0[0-3]$/.test(series))).toBe(true);
      expect(perSeries.size).toBeGreaterThan(3);

      // one outcome per invoice; every success is one charge at the gateway, and no invoice is charged twice
      const outcomes = await client.query<{ stream_id: string; outcomes: number; succeeded: number }>(
        `SELECT stream_id, count(*)::int AS outcomes, count(*) FILTER (WHERE event_type = 'PaymentSucceeded')::int AS succeeded
           FROM event_store.events WHERE event_type IN ('PaymentSucceeded', 'PaymentFailed') GROUP BY stream_id`,
      );
      expect(outcomes.rows).toHaveLength(200);
      expect(outcomes.rows.every((row) => row.outcomes === 1)).toBe(true);
      // the attempts cut by the crash were settled by asking the gateway, never by a second attempt
      expect(await count(`SELECT count(DISTINCT stream_id) FROM event_store.events WHERE event_type = 'PaymentAttemptStarted'`)).toBe(200);
      expect(await count(`SELECT count(*) FROM event_store.events WHERE event_type = 'PaymentAttemptStarted'`)).toBe(200);
      const charges = await client.query<{ invoice_id: string; charges: number }>(
        `SELECT split_part(idempotency_key, ':', 1) AS invoice_id, count(*)::int AS charges
           FROM payment_gateway_sandbox.charges WHERE status = 'succeeded' GROUP BY 1`,
      );
      expect(charges.rows.every((row) => row.charges === 1)).toBe(true);
      expect(charges.rows.length).toBe(outcomes.rows.reduce((sum, row) => sum + row.succeeded, 0));
    });
  });
});
