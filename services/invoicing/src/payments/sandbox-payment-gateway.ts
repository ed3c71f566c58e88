// A payment gateway that runs nowhere but here, for tests and demos: the payment method's token
// decides the outcome, and its charges are kept in its own table (payment_gateway_sandbox.charges)
// like an external system's, outside the service's transactions, so they survive restarts.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PaymentFailureReason } from '../domain/invoice';
import { PaymentOutcomeUnknown, type ChargeOutcome, type ChargeRequest, type PaymentGateway } from './payment-gateway';

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
} as const;

type SandboxBehaviour =
  | { status: 'succeeded'; lostResponse?: boolean }
  | { status: 'failed'; reason: PaymentFailureReason; retryable: boolean }
  | { status: 'unreachable' };

function behaviourOf(token: string): SandboxBehaviour {
  return (sandboxTokens as Record<string, SandboxBehaviour>)[token] ?? sandboxTokens.tok_success;
}

const retryableReasons: ReadonlySet<PaymentFailureReason> = new Set(['insufficientFunds', 'gatewayUnavailable']);

interface ChargeRow {
  charge_id: string;
  status: 'succeeded' | 'failed';
  failure_reason: PaymentFailureReason | null;
  currency: string;
  amount: string;
}

export class SandboxPaymentGateway implements PaymentGateway {
  constructor(private readonly pool: Pool) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const behaviour = behaviourOf(request.paymentToken);
    if (behaviour.status === 'unreachable') throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox gateway unreachable'));
    // ON CONFLICT: a repeated key is answered with the first outcome, and nothing is charged again
    await this.pool.query(
      `INSERT INTO payment_gateway_sandbox.charges (idempotency_key, charge_id, payment_token, currency, amount, status, failure_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (idempotency_key) DO NOTHING`,
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
    const outcome = await this.findCharge(request.idempotencyKey);
    if (!outcome) throw new PaymentOutcomeUnknown(request.idempotencyKey);
    if (behaviour.status === 'succeeded' && behaviour.lostResponse) {
      throw new PaymentOutcomeUnknown(request.idempotencyKey, new Error('sandbox: the charge went through, its response was lost'));
    }
    return outcome;
  }

  async findCharge(idempotencyKey: string): Promise<ChargeOutcome | undefined> {
    const { rows } = await this.pool.query<ChargeRow>(
      `SELECT charge_id, status, failure_reason, currency, amount FROM payment_gateway_sandbox.charges WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.status === 'succeeded') return { status: 'succeeded', chargeId: row.charge_id };
    const reason = row.failure_reason ?? 'other';
    return { status: 'failed', chargeId: row.charge_id, reason, retryable: retryableReasons.has(reason) };
  }
}
