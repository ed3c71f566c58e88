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
 * One charge, answered with the first outcome when its key was charged already (and nothing charged
 * again): prepared, as it runs once per invoice paid.
 */
const chargeStatement = namedStatement(
  'payment_gateway_sandbox_charge',
  `WITH charged AS (
     INSERT INTO payment_gateway_sandbox.charges (idempotency_key, charge_id, payment_token, currency, amount, status, failure_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING charge_id, status, failure_reason, currency, amount)
   SELECT charge_id, status, failure_reason, currency, amount FROM charged`,
);

const retryableReasons: ReadonlySet<PaymentFailureReason> = new Set(['insufficientFunds', 'gatewayUnavailable']);

interface ChargeRow {
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
  constructor(private readonly pool: Pool) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const behaviour = behaviourOf(request.paymentToken);
    if (behaviour.status === 'unreachable') throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox gateway unreachable'));
    if (behaviour.status === 'succeeded' && behaviour.lostRequest && (await this.loseFirstRequest(request.idempotencyKey))) {
      throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox: the request was lost on its way to the gateway'));
    }
    // ON CONFLICT: a repeated key is answered with the first outcome, and nothing is charged again
    const { rows } = await runStatement<ChargeRow>(
      this.pool,
      chargeStatement,
      [
        request.idempotencyKey,
        randomUUID(),
        request.paymentToken,
        request.amount.currency,
        request.amount.value,
        behaviour.status,
        behaviour.status === 'failed' ? behaviour.reason : null,
      ],
    );
    // a repeated key: the first charge's outcome
    const outcome = rows[0] ? outcomeOfCharge(rows[0]) : await this.findCharge(request.idempotencyKey);
    if (!outcome) throw new PaymentOutcomeUnknown(request.idempotencyKey);
    if (behaviour.status === 'succeeded' && behaviour.lostResponse) {
      throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox: the charge went through, its response was lost'));
    }
    return outcome;
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
    const { rows } = await this.pool.query<ChargeRow>(
      `SELECT charge_id, status, failure_reason, currency, amount FROM payment_gateway_sandbox.charges WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return rows[0] ? outcomeOfCharge(rows[0]) : undefined;
  }
}
