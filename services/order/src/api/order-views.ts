// What the order API answers: plain JSON built from the aggregate (right after a command) or
// from the read model (queries). Amounts are {currency, value} in integer minor units.
import type { Money } from '@billing/billing-kernel';
import type { OrderedItem, OrderPlacedData, PlacedOrderState, PricedOrder } from '../domain/order';
import type { OrderRecord } from '../read-models/orders/order-record.entity';

function pricedItemView({ itemId: _itemId, ...item }: OrderedItem) {
  return item;
}

function taxView({ treatment, rate, taxCountry, legalMention }: PricedOrder['tax']) {
  return { treatment, rate, ...(taxCountry ? { taxCountry } : {}), ...(legalMention ? { legalMention } : {}) };
}

function pricedOrderView(order: PricedOrder) {
  return {
    subsidiary: order.subsidiary,
    currency: order.currency,
    tax: taxView(order.tax),
    totals: order.totals,
    catalogVersion: order.catalogVersion,
    pricingDate: order.pricingDate,
  };
}

/** A dry run: the priced order, nothing created. */
export function dryRunView(order: PricedOrder, request: { autoPay: boolean; paymentMethodId?: string }) {
  return {
    dryRun: true,
    ...pricedOrderView(order),
    items: order.items.map(pricedItemView),
    autoPay: request.autoPay,
    ...(request.paymentMethodId ? { paymentMethodId: request.paymentMethodId } : {}),
  };
}

/** The answer to a placed order: built from OrderPlaced only, so a retry gets the very same body. */
export function placedOrderView(order: OrderPlacedData) {
  return {
    orderId: order.orderId,
    status: 'checking' as const,
    ...pricedOrderView(order),
    items: order.items,
    autoPay: order.autoPay,
    ...(order.paymentMethodId ? { paymentMethodId: order.paymentMethodId } : {}),
    placedAt: order.placedAt,
  };
}

/** The order right after a command changed it (cancel, withdraw). */
export function orderStateView(state: PlacedOrderState) {
  const invoice = 'invoice' in state ? state.invoice : undefined;
  return {
    orderId: state.order.orderId,
    status: state.status,
    ...(invoice ? { invoiceId: invoice.invoiceId } : {}),
    ...(state.status === 'cancelled' ? { cancelledAt: state.cancelledAt } : {}),
    ...(state.status === 'withdrawn' ? { withdrawnAt: state.withdrawnAt, refundAmount: state.payment.amount } : {}),
  };
}

function money(value: number | null, currency: string): Money | undefined {
  return value === null ? undefined : ({ currency, value } as Money);
}

function instant(value: Date | null): string | undefined {
  return value === null ? undefined : value.toISOString();
}

/** An order from the read model. */
export function orderView(record: OrderRecord) {
  const optional = {
    paymentMethodId: record.paymentMethodId ?? undefined,
    invoiceId: record.invoiceId ?? undefined,
    amountDue: money(record.amountDue, record.currency),
    notPaidReason: record.notPaidReason ?? undefined,
    paymentId: record.paymentId ?? undefined,
    cancellationReason: record.cancellationReason ?? undefined,
    refundAmount: money(record.refundAmount, record.currency),
    paidAt: instant(record.paidAt),
    deliveredAt: instant(record.deliveredAt),
    cancelledAt: instant(record.cancelledAt),
    withdrawnAt: instant(record.withdrawnAt),
  };
  return {
    orderId: record.orderId,
    status: record.status,
    subsidiary: record.subsidiary,
    currency: record.currency,
    items: record.items,
    totals: {
      withoutTax: money(record.totalWithoutTax, record.currency),
      tax: money(record.totalTax, record.currency),
      withTax: money(record.totalWithTax, record.currency),
    },
    autoPay: record.autoPay,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    placedAt: record.placedAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function orderStatusView(record: OrderRecord) {
  return { orderId: record.orderId, status: record.status, updatedAt: record.updatedAt.toISOString() };
}
