// The payment gateway port: charge a payment method once per idempotency key, and tell what became
// of a key (the reconciliation of attempts whose answer was lost). Adapters: the sandbox (tests,
// demos); a real gateway (Stripe, Adyen, …) implements the same three promises below.
import type { Money } from '@billing/billing-kernel';
import type { PaymentFailureReason } from '../domain/invoice';

export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');

export type ChargeRequest = Readonly<{
  /** `${invoiceId}:${attempt}`: the gateway charges a key at most once and answers repeats with the first outcome */
  idempotencyKey: string;
  /** the gateway's token of the payment method (never a card number) */
  paymentToken: string;
  amount: Money;
  customerId: string;
  description: string;
}>;

export type ChargeOutcome =
  | Readonly<{ status: 'succeeded'; chargeId: string }>
  | Readonly<{ status: 'failed'; chargeId: string; reason: PaymentFailureReason; retryable: boolean }>;

/**
 * The charge may or may not have happened: the request timed out, the connection dropped, the
 * answer was lost. Never charge again on this: ask `findCharge` with the same key.
 */
export class PaymentOutcomeUnknown extends Error {
  override readonly name = 'PaymentOutcomeUnknown';

  constructor(
    readonly idempotencyKey: string,
    cause?: unknown,
  ) {
    super(`the outcome of charge ${idempotencyKey} is unknown`, { cause });
  }
}

export interface PaymentGateway {
  /**
   * Charges once per idempotency key: a repeat answers the first outcome and charges nothing.
   * @throws PaymentOutcomeUnknown when the outcome cannot be known from this call.
   */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** What the gateway did with this key; undefined when the request never reached it. */
  findCharge(idempotencyKey: string): Promise<ChargeOutcome | undefined>;
}
