// A payment gateway that runs nowhere but here, for tests and demos: the payment method's token
// decides the outcome, and its charges are kept in its own table (payment_gateway_sandbox.charges)
// like an external system's, outside the service's transactions, so they survive restarts. Its
// refunds (payment_gateway_sandbox.refunds) pay a succeeded charge back, never beyond its amount.
import { randomUUID } from 'node:crypto';
import { namedStatement, runStatement } from '@billing/eventsourcing';
import type { Pool } from 'pg';
import type { PaymentFailureReason, RefundFailureReason } from '../domain/invoice';
import { PaymentOutcomeUnknown, type ChargeOutcome, type ChargeRequest, type PaymentGateway, type RefundOutcomeAtGateway, type RefundRequest } from './payment-gateway';

/** What each sandbox token does. Any other token is a good card (like the gateways' test cards). */
export const sandboxTokens = {
  /** charged */
  tok_success: { status: 'succeeded' },
  tok_declined: { status: 'failed', reason: 'declined', retryable: false },
  /** refused now, may pass later: dunning retries it */
  tok_insufficient_funds: { status: 'failed', reason: 'insufficientFunds', retryable: true },
  tok_expired: { status: 'failed', reason: 'expired', retryable: false },
  tok_authentication_required: { status: 'failed', reason: 'authenticationRequired', retryable: false },
  /** charged at the gateway, but the answer is lost on the way back: the caller gets PaymentOutcomeUnknown */
  tok_lost_response: { status: 'succeeded', lostResponse: true },
  /** the gateway cannot be reached: nothing is recorded, the caller gets PaymentOutcomeUnknown */
  tok_gateway_unreachable: { status: 'unreachable' },
  /** the first request of each key is lost on its way in (nothing charged, PaymentOutcomeUnknown); a repeat of the key is charged */
  tok_lost_request: { status: 'succeeded', lostRequest: true },
} as const;

type SandboxBehaviour =
  | { status: 'succeeded'; lostResponse?: boolean; lostRequest?: boolean }
  | { status: 'failed'; reason: PaymentFailureReason; retryable: boolean }
  | { status: 'unreachable' };

function behaviourOf(token: string): SandboxBehaviour {
  return (sandboxTokens as Record<string, SandboxBehaviour>)[token] ?? sandboxTokens.tok_success;
}

/**
 * The charges asked for at once, in one statement (its own transaction): each key charged once,
 * a key charged already (before, or earlier in the same batch) left as it is and answered with
 * its first outcome by `findChargesStatement`. Prepared, as it runs for every run of invoices paid.
 */
const chargeManyStatement = namedStatement(
  'payment_gateway_sandbox_charge_many',
  `INSERT INTO payment_gateway_sandbox.charges (idempotency_key, charge_id, payment_token, currency, amount, status, failure_reason)
   SELECT r.idempotency_key, r.charge_id, r.payment_token, r.currency, r.amount, r.status, r.failure_reason
     FROM jsonb_to_recordset($1::jsonb)
          AS r(idempotency_key text, charge_id uuid, payment_token text, currency text, amount bigint, status text, failure_reason text)
   ON CONFLICT (idempotency_key) DO NOTHING
   RETURNING idempotency_key, charge_id, status, failure_reason, currency, amount`,
);

const findChargesStatement = namedStatement(
  'payment_gateway_sandbox_find_charges',
  `SELECT idempotency_key, charge_id, status, failure_reason, currency, amount
     FROM payment_gateway_sandbox.charges WHERE idempotency_key = ANY ($1::text[])`,
);

/** A charge waiting for its batch's statement. */
type PendingCharge = Readonly<{
  row: Readonly<{ idempotency_key: string; charge_id: string; payment_token: string; currency: string; amount: number; status: string; failure_reason: string | null }>;
  settle: (outcome: ChargeOutcome | undefined, error?: unknown) => void;
}>;

const retryableReasons: ReadonlySet<PaymentFailureReason> = new Set(['insufficientFunds', 'gatewayUnavailable']);

interface ChargeRow {
  idempotency_key: string;
  charge_id: string;
  status: 'succeeded' | 'failed';
  failure_reason: PaymentFailureReason | null;
  currency: string;
  amount: string;
}

function outcomeOfCharge(row: ChargeRow): ChargeOutcome {
  if (row.status === 'succeeded') return { status: 'succeeded', chargeId: row.charge_id };
  const reason = row.failure_reason ?? 'other';
  return { status: 'failed', chargeId: row.charge_id, reason, retryable: retryableReasons.has(reason) };
}

function outcomeOfRefund(row: { refund_id: string; status: 'succeeded' | 'failed'; failure_reason: string | null }): RefundOutcomeAtGateway {
  return row.status === 'succeeded'
    ? { status: 'succeeded', refundId: row.refund_id }
    : { status: 'failed', reason: (row.failure_reason ?? 'other') as RefundFailureReason };
}

export class SandboxPaymentGateway implements PaymentGateway {
  /** Charges asked for since the last batch went out: the next one takes them all. */
  private pending: PendingCharge[] = [];

  constructor(private readonly pool: Pool) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const behaviour = behaviourOf(request.paymentToken);
    if (behaviour.status === 'unreachable') throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox gateway unreachable'));
    if (behaviour.status === 'succeeded' && behaviour.lostRequest && (await this.loseFirstRequest(request.idempotencyKey))) {
      throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox: the request was lost on its way to the gateway'));
    }
    // a repeated key is answered with the first outcome, and nothing is charged again
    const outcome = await this.chargeInBatch({
      idempotency_key: request.idempotencyKey,
      charge_id: randomUUID(),
      payment_token: request.paymentToken,
      currency: request.amount.currency,
      amount: request.amount.value,
      status: behaviour.status,
      failure_reason: behaviour.status === 'failed' ? behaviour.reason : null,
    });
    if (!outcome) throw new PaymentOutcomeUnknown(request.idempotencyKey);
    if (behaviour.status === 'succeeded' && behaviour.lostResponse) {
      throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox: the charge went through, its response was lost'));
    }
    return outcome;
  }

  /**
   * Joins the batch of charges asked for in this turn of the event loop (a run of invoices asks
   * for a few at once): one statement for all of them instead of one each, as a gateway's own
   * database would group its commits. Each caller gets its own outcome, or the batch's error.
   */
  private chargeInBatch(row: PendingCharge['row']): Promise<ChargeOutcome | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.sendBatch());
      this.pending.push({ row, settle: (outcome, error) => (error === undefined ? resolve(outcome) : reject(error)) });
    });
  }

  private async sendBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const { rows } = await runStatement<ChargeRow>(this.pool, chargeManyStatement, [JSON.stringify(batch.map(({ row }) => row))]);
      const outcomes = new Map(rows.map((row) => [row.idempotency_key, outcomeOfCharge(row)]));
      // keys charged before, or twice in this batch: their first outcome
      const repeated = batch.filter(({ row }) => !outcomes.has(row.idempotency_key)).map(({ row }) => row.idempotency_key);
      if (repeated.length > 0) {
        const { rows: found } = await runStatement<ChargeRow>(this.pool, findChargesStatement, [repeated]);
        for (const row of found) outcomes.set(row.idempotency_key, outcomeOfCharge(row));
      }
      for (const { row, settle } of batch) settle(outcomes.get(row.idempotency_key));
    } catch (error) {
      for (const { settle } of batch) settle(undefined, error);
    }
  }

  /**
   * Refunds a succeeded charge, never more than was charged: the refund and the check of what the
   * charge has left are one statement, so racing refunds of one charge cannot overdraw it.
   */
  async refund(request: RefundRequest): Promise<RefundOutcomeAtGateway> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: known } = await client.query<{ refund_id: string; status: 'succeeded' | 'failed'; failure_reason: string | null }>(
        `SELECT refund_id, status, failure_reason FROM payment_gateway_sandbox.refunds WHERE idempotency_key = $1`,
        [request.idempotencyKey],
      );
      if (known[0]) {
        await client.query('COMMIT');
        return outcomeOfRefund(known[0]);
      }
      // the charge row is locked: refunds of one charge are decided one after the other
      const { rows: charges } = await client.query<{ amount: string; currency: string; refunded: string }>(
        `SELECT c.amount, c.currency,
                (SELECT coalesce(sum(r.amount), 0) FROM payment_gateway_sandbox.refunds r WHERE r.charge_id = c.charge_id::text AND r.status = 'succeeded') AS refunded
           FROM payment_gateway_sandbox.charges c
          WHERE c.charge_id::text = $1 AND c.status = 'succeeded'
          FOR UPDATE`,
        [request.chargeId],
      );
      const charge = charges[0];
      const reason = !charge
        ? 'chargeNotFound'
        : charge.currency !== request.amount.currency || Number(charge.refunded) + request.amount.value > Number(charge.amount)
          ? 'exceedsCharge'
          : undefined;
      const refundId = `re_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
      await client.query(
        `INSERT INTO payment_gateway_sandbox.refunds (idempotency_key, refund_id, charge_id, currency, amount, status, failure_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [request.idempotencyKey, refundId, request.chargeId, request.amount.currency, request.amount.value, reason ? 'failed' : 'succeeded', reason ?? null],
      );
      await client.query('COMMIT');
      return reason ? { status: 'failed', reason } : { status: 'succeeded', refundId };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new PaymentOutcomeUnknown(request.idempotencyKey, error);
    } finally {
      client.release();
    }
  }

  /** True the first time a key is seen: that request is dropped before the gateway records anything. */
  private async loseFirstRequest(idempotencyKey: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`INSERT INTO payment_gateway_sandbox.lost_requests (idempotency_key) VALUES ($1) ON CONFLICT DO NOTHING`, [idempotencyKey]);
    return rowCount === 1;
  }

  async findCharge(idempotencyKey: string): Promise<ChargeOutcome | undefined> {
    const { rows } = await runStatement<ChargeRow>(this.pool, findChargesStatement, [[idempotencyKey]]);
    return rows[0] ? outcomeOfCharge(rows[0]) : undefined;
  }
}
