// The payment gateway port: charge a payment method once per idempotency key, and tell what became
// of a key (the reconciliation of attempts whose answer was lost). Adapters: the sandbox (tests,
// demos); a real gateway (Stripe, Adyen, …) implements the same promises below.
import type { Money } from '@billing/billing-kernel';
import type { PaymentFailureReason, RefundFailureReason } from '../domain/invoice';

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

export type RefundRequest = Readonly<{
  /** `refund:${creditNoteId}`: the gateway refunds a key at most once and answers repeats with the first outcome */
  idempotencyKey: string;
  /** the gateway's charge that paid the invoice: the refund goes back to the same payment method */
  chargeId: string;
  amount: Money;
  customerId: string;
  description: string;
}>;

export type RefundOutcomeAtGateway =
  | Readonly<{ status: 'succeeded'; refundId: string }>
  | Readonly<{ status: 'failed'; reason: RefundFailureReason }>;

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
  /**
   * Pays back (part of) a charge once per idempotency key: a repeat answers the first outcome.
   * Sending the same key again after a lost answer is therefore safe.
   * @throws PaymentOutcomeUnknown when the outcome cannot be known from this call.
   */
  refund(request: RefundRequest): Promise<RefundOutcomeAtGateway>;
}
