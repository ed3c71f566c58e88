// Pricing a cart for the order service: catalog prices × quantities, the tax the customer owes,
// and the totals — the same figures the invoice will carry, dry-run or not.
import type { Temporal } from 'temporal-polyfill';
import { catalogVersionOn, findPlan, planPrice, type Catalog, type Universe } from './catalog';
import type { Period } from './calendar';
import type { CurrencyCode } from './currency';
import { multiplyByQuantity, type Money } from './money';
import { PricingError } from './pricing-error';
import { findSubsidiary, type SubsidiaryCode } from './subsidiaries';
import { computeInvoiceTotals, determineTax, TaxError, type AppliedTax, type CustomerTaxProfile, type TaxPerRate } from './tax';

/** Above this an order is a sales conversation, not a cart; it also keeps totals far from overflow. */
export const maxQuantityPerItem = 1000;

export type CartItem = Readonly<{ planCode: string; period: string; quantity: number }>;

export type CartPricingRequest = Readonly<{
  subsidiary: string;
  items: readonly CartItem[];
  customer: CustomerTaxProfile;
  /** the order date in the subsidiary's calendar (see toSubsidiaryDate) */
  date: Temporal.PlainDate;
}>;

export type PricedLine = Readonly<{
  planCode: string;
  universe: Universe;
  label: string;
  period: Period;
  quantity: number;
  unitPrice: Money;
  /** unitPrice × quantity, exact */
  lineTotal: Money;
  /** basis points applied to this line */
  taxRate: number;
}>;

/** Plain data (dates as ISO strings) so that it can go into an event or an HTTP response as is. */
export type PricedCart = Readonly<{
  subsidiary: SubsidiaryCode;
  currency: CurrencyCode;
  pricingDate: string;
  catalogVersion: string;
  lines: readonly PricedLine[];
  tax: AppliedTax;
  taxPerRate: readonly TaxPerRate[];
  totalExcludingTax: Money;
  totalTax: Money;
  totalIncludingTax: Money;
}>;

function checkQuantity(quantity: number, itemIndex: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > maxQuantityPerItem) {
    throw new PricingError('INVALID_QUANTITY', `item ${itemIndex}: quantity must be a whole number from 1 to ${maxQuantityPerItem}, got ${quantity}`, itemIndex);
  }
}

/**
 * Prices a cart. Throws PricingError with a reason code (UNKNOWN_SUBSIDIARY, EMPTY_CART,
 * INVALID_QUANTITY, UNKNOWN_PLAN, PLAN_NOT_SOLD_IN_SUBSIDIARY, PERIOD_NOT_ALLOWED,
 * NO_CATALOG_VERSION, INVALID_VAT_NUMBER, UNKNOWN_COUNTRY, VAT_RATE_NOT_FOUND) and the index of
 * the faulty item when there is one.
 */
export function priceCart(catalog: Catalog, request: CartPricingRequest): PricedCart {
  const seller = findSubsidiary(request.subsidiary);
  if (!seller) throw new PricingError('UNKNOWN_SUBSIDIARY', `${request.subsidiary} is not one of our subsidiaries`);
  if (request.items.length === 0) throw new PricingError('EMPTY_CART', 'a cart needs at least one item');

  let tax: AppliedTax;
  try {
    tax = determineTax(seller, request.customer, request.date);
  } catch (error) {
    if (error instanceof TaxError) throw new PricingError(error.reason, error.message);
    throw error;
  }

  const version = catalogVersionOn(catalog, request.date);
  const lines = request.items.map((item, itemIndex): PricedLine => {
    checkQuantity(item.quantity, itemIndex);
    try {
      const unitPrice = planPrice(catalog, { planCode: item.planCode, subsidiary: seller.code, period: item.period, date: request.date });
      const plan = findPlan(version, item.planCode) as NonNullable<ReturnType<typeof findPlan>>;
      return {
        planCode: plan.planCode,
        universe: plan.universe,
        label: plan.label,
        period: item.period as Period,
        quantity: item.quantity,
        unitPrice,
        lineTotal: multiplyByQuantity(unitPrice, item.quantity),
        taxRate: tax.rate,
      };
    } catch (error) {
      if (error instanceof PricingError) throw new PricingError(error.reason, `item ${itemIndex}: ${error.message}`, itemIndex);
      throw error;
    }
  });

  const totals = computeInvoiceTotals(
    seller.currency,
    lines.map(({ lineTotal, taxRate }) => ({ lineTotal, rate: taxRate })),
  );
  return {
    subsidiary: seller.code,
    currency: seller.currency,
    pricingDate: request.date.toString(),
    catalogVersion: version.version,
    lines,
    tax,
    ...totals,
  };
}
