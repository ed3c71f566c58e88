// Prices an order request with the kernel's cart pricing: each item and each of its options is a
// cart line (an option is a catalog plan priced for its item's period), so the tax is computed
// once over the whole order, per rate, exactly as the invoice will compute it.
import {
  catalogVersionOn,
  findPlan,
  findSubsidiary,
  PricingError,
  priceCart,
  toSubsidiaryDate,
  type Catalog,
  type CartItem,
  type PricedLine,
  type PricingErrorKind,
  type Period,
  type PricingErrorReason,
  type Subsidiary,
} from '@billing/billing-kernel';
import type { Temporal } from 'temporal-polyfill';
import type { OrderedItem, PricedOrder } from './order';

export type OrderRequestOption = Readonly<{ planCode: string; quantity: number }>;

export type OrderRequestItem = Readonly<{ planCode: string; period: string; quantity: number; engagement?: string; options?: readonly OrderRequestOption[] }>;

export type OrderRequest = Readonly<{
  subsidiary: string;
  items: readonly OrderRequestItem[];
  /** the tax profile the customer declares; invoicing recomputes the tax from the account */
  customer?: Readonly<{ country?: string; vatNumber?: string }>;
}>;

/** The kernel refused to price a line; `field` names the item (or option) at fault. */
export class OrderPricingRefused extends Error {
  override readonly name = 'OrderPricingRefused';
  readonly details?: Record<string, unknown>;

  constructor(
    readonly reason: PricingErrorReason | 'ENGAGEMENT_NOT_OFFERED',
    readonly kind: PricingErrorKind,
    message: string,
    field?: string,
  ) {
    super(field ? `${field}: ${message.replace(/^item \d+: /, '')}` : message);
    if (field) this.details = { field };
  }
}

type CartLineOrigin = Readonly<{ itemIndex: number; optionIndex?: number }>;

function fieldOf(origin: CartLineOrigin | undefined): string | undefined {
  if (!origin) return undefined;
  return origin.optionIndex === undefined ? `items[${origin.itemIndex}]` : `items[${origin.itemIndex}].options[${origin.optionIndex}]`;
}

/**
 * Prices the request on `at` in the subsidiary's calendar, with the catalog version in force
 * that day. `newItemId` names each item (ids come from outside the domain).
 * @throws OrderPricingRefused with the kernel's reason (UNKNOWN_SUBSIDIARY, UNKNOWN_PLAN, …)
 */
export function priceOrder(catalog: Catalog, request: OrderRequest, at: Temporal.Instant, newItemId: () => string): PricedOrder {
  const seller = findSubsidiary(request.subsidiary);
  if (!seller) throw new OrderPricingRefused('UNKNOWN_SUBSIDIARY', 'invalidRequest', `${request.subsidiary} is not one of our subsidiaries`, 'subsidiary');

  const origins: CartLineOrigin[] = [];
  const cart: CartItem[] = [];
  request.items.forEach((item, itemIndex) => {
    origins.push({ itemIndex });
    cart.push({ planCode: item.planCode, period: item.period, quantity: item.quantity });
    (item.options ?? []).forEach((option, optionIndex) => {
      origins.push({ itemIndex, optionIndex });
      cart.push({ planCode: option.planCode, period: item.period, quantity: option.quantity });
    });
  });

  let priced: ReturnType<typeof priceCart>;
  try {
    priced = priceCart(catalog, {
      subsidiary: seller.code,
      items: cart,
      customer: { ...(request.customer?.country ? { country: request.customer.country } : {}), ...(request.customer?.vatNumber ? { vatNumber: request.customer.vatNumber } : {}) },
      date: toSubsidiaryDate(at, seller),
    });
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    const taxField = error.reason === 'INVALID_VAT_NUMBER' ? 'customer.vatNumber' : error.reason === 'UNKNOWN_COUNTRY' ? 'customer.country' : undefined;
    const field = error.itemIndex === undefined ? taxField : fieldOf(origins[error.itemIndex]);
    throw new OrderPricingRefused(error.reason, error.kind, error.message, field);
  }

  const items: OrderedItem[] = [];
  priced.lines.forEach((line: PricedLine, index) => {
    const origin = origins[index];
    if (origin.optionIndex === undefined) {
      const engagementDuration = engagementOf(catalog, request.items[origin.itemIndex], at, seller, origin.itemIndex);
      items.push({
        itemId: newItemId(),
        planCode: line.planCode,
        universe: line.universe,
        label: line.label,
        period: line.period,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        lineTotal: line.lineTotal,
        taxRate: line.taxRate,
        options: [],
        ...(engagementDuration ? { engagementDuration } : {}),
      });
      return;
    }
    const owner = items[items.length - 1];
    items[items.length - 1] = {
      ...owner,
      options: [
        ...owner.options,
        { planCode: line.planCode, label: line.label, quantity: line.quantity, unitPrice: line.unitPrice, lineTotal: line.lineTotal, taxRate: line.taxRate },
      ],
    };
  });

  return {
    subsidiary: priced.subsidiary,
    currency: priced.currency,
    items,
    tax: priced.tax,
    totals: { withoutTax: priced.totalExcludingTax, tax: priced.totalTax, withTax: priced.totalIncludingTax },
    catalogVersion: priced.catalogVersion,
    pricingDate: priced.pricingDate,
  };
}

/** The commitment an item asks for, when the plan offers it in the catalog version of the day. */
function engagementOf(catalog: Catalog, item: OrderRequestItem, at: Temporal.Instant, seller: Subsidiary, itemIndex: number): Period | undefined {
  if (item.engagement === undefined) return undefined;
  const plan = findPlan(catalogVersionOn(catalog, toSubsidiaryDate(at, seller)), item.planCode);
  const offered = plan?.engagements.find((option) => option.duration === item.engagement);
  if (!offered) {
    const offers = plan?.engagements.map((option) => option.duration).join(', ');
    throw new OrderPricingRefused(
      'ENGAGEMENT_NOT_OFFERED',
      'notSellable',
      `plan ${item.planCode} offers ${offers ? `the engagements ${offers}` : 'no engagement'}, not ${item.engagement}`,
      `items[${itemIndex}].engagement`,
    );
  }
  return offered.duration;
}
