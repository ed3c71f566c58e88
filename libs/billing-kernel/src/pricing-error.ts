// Why a price cannot be given. Services map the reason once, at their HTTP edge.
import type { TaxErrorReason } from './tax';

export type PricingErrorReason =
  | 'UNKNOWN_SUBSIDIARY'
  | 'UNKNOWN_PLAN'
  | 'PLAN_NOT_SOLD_IN_SUBSIDIARY'
  | 'PERIOD_NOT_ALLOWED'
  | 'INVALID_QUANTITY'
  | 'EMPTY_CART'
  | 'NO_CATALOG_VERSION'
  | TaxErrorReason;

/**
 * `invalidRequest`: the request itself is malformed (HTTP 400). `notSellable`: well-formed, but
 * the catalog or the tax rules refuse it (HTTP 422).
 */
export type PricingErrorKind = 'invalidRequest' | 'notSellable';

export const pricingErrorKinds: Readonly<Record<PricingErrorReason, PricingErrorKind>> = {
  UNKNOWN_SUBSIDIARY: 'invalidRequest',
  INVALID_QUANTITY: 'invalidRequest',
  EMPTY_CART: 'invalidRequest',
  INVALID_VAT_NUMBER: 'invalidRequest',
  UNKNOWN_COUNTRY: 'invalidRequest',
  UNKNOWN_PLAN: 'notSellable',
  PLAN_NOT_SOLD_IN_SUBSIDIARY: 'notSellable',
  PERIOD_NOT_ALLOWED: 'notSellable',
  NO_CATALOG_VERSION: 'notSellable',
  VAT_RATE_NOT_FOUND: 'notSellable',
};

export class PricingError extends Error {
  readonly kind: PricingErrorKind;

  constructor(
    readonly reason: PricingErrorReason,
    message: string,
    /** index of the cart item at fault, when one is */
    readonly itemIndex?: number,
  ) {
    super(message);
    this.name = 'PricingError';
    this.kind = pricingErrorKinds[reason];
  }
}
