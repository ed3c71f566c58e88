// The sandbox gateway stands for an external system: a key is charged at most once and a repeat is
// answered with the first outcome, whether the repeat comes later, at the same time, or in the same
// batch. Charges asked for at once go out in one statement; that is an optimisation of the
// sandbox, never a change in what a caller gets back.
import { createTestDatabase, type TestDatabase } from '@billing/testing';
import { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { PaymentOutcomeUnknown, type ChargeOutcome, type ChargeRequest } from '../src/payments/payment-gateway';
import { AddSandboxGatewayRefunds1771000000003, AddSandboxLostRequests1771000000007, CreateSandboxPaymentGateway1771000000001 } from '../src/payments/sandbox-gateway.migration';
import { SandboxPaymentGateway } from '../src/payments/sandbox-payment-gateway';

const request = (idempotencyKey: string, paymentToken = 'tok_success', value = 1_000): ChargeRequest => ({
  idempotencyKey,
  paymentToken,
  amount: { value, currency: 'EUR' },
  customerId: 'customer-1',
  description: `Invoice for ${idempotencyKey}`,
});

describe('sandbox payment gateway', () => {
  let database: TestDatabase;
  let pool: Pool;
  let gateway: SandboxPaymentGateway;
  /** Statements sent on the pool since the test began. */
  let statements: string[];

  beforeAll(async () => {
    database = await createTestDatabase('sandbox_gateway');
    pool = new Pool({ connectionString: database.url, max: 4 });
    const runner = { query: (sql: string) => pool.query(sql) } as unknown as QueryRunner;
    for (const migration of [new CreateSandboxPaymentGateway1771000000001(), new AddSandboxGatewayRefunds1771000000003(), new AddSandboxLostRequests1771000000007()]) {
      await migration.up(runner);
    }
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      const [first] = args;
      statements.push(typeof first === 'string' ? first : String((first as { text: string }).text));
      return query(...args);
    }) as typeof pool.query;
    gateway = new SandboxPaymentGateway(pool);
  });
  beforeEach(() => {
    statements = [];
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const chargesOf = async (keys: readonly string[]) =>
    (await pool.query<{ idempotency_key: string; charge_id: string; amount: string }>(
      `SELECT idempotency_key, charge_id, amount FROM payment_gateway_sandbox.charges WHERE idempotency_key = ANY ($1::text[]) ORDER BY idempotency_key`,
      [keys],
    )).rows;

  it('charges the requests made at once in one statement, each once, each with its own outcome', async () => {
    const keys = Array.from({ length: 20 }, (_, index) => `at-once-${String(index).padStart(2, '0')}`);
    const outcomes = await Promise.all(keys.map((key, index) => gateway.charge(request(key, index % 5 === 0 ? 'tok_declined' : 'tok_success', 1_000 + index))));

    expect(statements.filter((sql) => sql.includes('INSERT INTO payment_gateway_sandbox.charges'))).toHaveLength(1);
    const rows = await chargesOf(keys);
    expect(rows.map((row) => [row.idempotency_key, Number(row.amount)])).toEqual(keys.map((key, index) => [key, 1_000 + index]));
    outcomes.forEach((outcome, index) => {
      const chargeId = rows[index].charge_id;
      expect(outcome).toEqual(index % 5 === 0 ? { status: 'failed', chargeId, reason: 'declined', retryable: false } : { status: 'succeeded', chargeId });
    });
  });

  it('answers a key asked twice in one batch, and again later, with its first outcome and one charge', async () => {
    const twice = await Promise.all([gateway.charge(request('twice', 'tok_success', 500)), gateway.charge(request('twice', 'tok_success', 900))]);
    const later = await gateway.charge(request('twice', 'tok_declined', 700));

    const rows = await chargesOf(['twice']);
    expect(rows.map((row) => Number(row.amount))).toEqual([500]);
    const first: ChargeOutcome = { status: 'succeeded', chargeId: rows[0].charge_id };
    expect(twice).toEqual([first, first]);
    expect(later).toEqual(first);
    expect(await gateway.findCharge('twice')).toEqual(first);
  });

  it('keeps the tokens that lose a request or a response apart from the batch they are charged in', async () => {
    const [lostRequest, lostResponse, plain] = await Promise.allSettled([
      gateway.charge(request('lost-request', 'tok_lost_request')),
      gateway.charge(request('lost-response', 'tok_lost_response')),
      gateway.charge(request('plain')),
    ]);
    expect(lostRequest).toMatchObject({ status: 'rejected', reason: expect.any(PaymentOutcomeUnknown) });
    expect(lostResponse).toMatchObject({ status: 'rejected', reason: expect.any(PaymentOutcomeUnknown) });
    expect(plain).toMatchObject({ status: 'fulfilled', value: { status: 'succeeded' } });
    // the lost request charged nothing and its repeat is charged; the lost response was charged once
    expect((await chargesOf(['lost-request', 'lost-response', 'plain'])).map((row) => row.idempotency_key)).toEqual(['lost-response', 'plain']);
    expect(await gateway.charge(request('lost-request', 'tok_lost_request'))).toMatchObject({ status: 'succeeded' });
    expect(await gateway.findCharge('lost-response')).toMatchObject({ status: 'succeeded' });
  });

  it('gives every request of a batch the error of a statement that failed, and charges none of them', async () => {
    const keys = ['fails-1', 'fails-2'];
    // an amount the column cannot hold fails the whole statement
    const results = await Promise.allSettled([gateway.charge(request(keys[0])), gateway.charge(request(keys[1], 'tok_success', Number.MAX_VALUE))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await chargesOf(keys)).toEqual([]);
  });
});
