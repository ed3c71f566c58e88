// What the Order aggregate decides for each command. Pure: the time, the ids and the prices come
// in with the command. Commands that replay a fact the order already knows (a redelivered
// invoicing event, a repeated click) decide nothing, so every caller can retry safely.
import { subsidiary, toSubsidiaryDate, type Money } from '@billing/billing-kernel';
import type { Decider } from '@billing/eventsourcing';
import { Temporal } from 'temporal-polyfill';
import {
  evolve,
  initialOrderState,
  type CancellationReason,
  type OrderEvent,
  type OrderPlacedData,
  type OrderState,
  type PlacedOrderState,
} from './order';
import {
  IdempotencyKeyReused,
  OrderNotCancellable,
  OrderNotDelivered,
  OrderNotFound,
  PaymentMethodRequired,
  WithdrawalNotApplicable,
  WithdrawalPeriodOver,
} from './order-refusals';

/** Days a consumer has to withdraw after delivery (Directive 2011/83/EU art. 9). */
export const withdrawalPeriodDays = 14;

export type PlaceOrder = Readonly<{ type: 'PlaceOrder'; data: OrderPlacedData }>;

export type RecordInvoiceIssued = Readonly<{
  type: 'RecordInvoiceIssued';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    invoiceNumber: string;
    amountDue: Money;
    billedTo: Readonly<{ country: string; vatNumber?: string }>;
    issuedAt: string;
  }>;
}>;

export type RecordInvoicePaid = Readonly<{
  type: 'RecordInvoicePaid';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    paymentId: string;
    amount: Money;
    paidAt: string;
    /** when this service hands the order over (delivery itself is immediate for now) */
    deliveredAt: string;
  }>;
}>;

export type RecordInvoicePaymentFailed = Readonly<{
  type: 'RecordInvoicePaymentFailed';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    paymentId: string;
    attempt: number;
    reason: string;
    retryable: boolean;
    amountDue: Money;
    failedAt: string;
  }>;
}>;

export type CancelOrder = Readonly<{
  type: 'CancelOrder';
  data: Readonly<{ orderId: string; customerId: string; reason: CancellationReason; cancelledAt: string }>;
}>;

export type WithdrawOrder = Readonly<{
  type: 'WithdrawOrder';
  data: Readonly<{ orderId: string; customerId: string; withdrawnAt: string }>;
}>;

export type OrderCommand = PlaceOrder | RecordInvoiceIssued | RecordInvoicePaid | RecordInvoicePaymentFailed | CancelOrder | WithdrawOrder;

/** The customer's own order, or not found (someone else's order does not exist for him). */
function ownOrder(state: OrderState, orderId: string, customerId: string): PlacedOrderState {
  if (state.status === 'initial' || state.order.customerId !== customerId) throw new OrderNotFound(orderId);
  return state;
}

/**
 * An order id that exists already came from the same Idempotency-Key: a retry of the same request
 * is answered with what the first one did; another request under that key is refused.
 * @throws IdempotencyKeyReused
 */
export function isRetryOfPlacedOrder(state: PlacedOrderState, customerId: string, requestHash: string): true {
  if (state.order.customerId === customerId && state.order.requestHash === requestHash) return true;
  throw new IdempotencyKeyReused();
}

function placeOrder({ data }: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'initial' && isRetryOfPlacedOrder(state, data.customerId, data.requestHash)) return [];
  if (data.autoPay && !data.paymentMethodId) throw new PaymentMethodRequired();
  return [{ type: 'OrderPlaced', data }];
}

function recordInvoiceIssued({ data }: RecordInvoiceIssued, state: OrderState): OrderEvent[] {
  const order = ownOrder(state, data.orderId, data.customerId);
  // once a payment outcome is known the issue is old news; a cancelled order ignores it
  if (order.status !== 'checking') return [];
  const { orderId, customerId, invoiceId, invoiceNumber, amountDue, billedTo, issuedAt } = data;
  return [{ type: 'OrderInvoiced', data: { orderId, customerId, invoiceId, invoiceNumber, amountDue, billedTo, invoicedAt: issuedAt } }];
}

function recordInvoicePaid({ data }: RecordInvoicePaid, state: OrderState): OrderEvent[] {
  const order = ownOrder(state, data.orderId, data.customerId);
  const delivered: OrderEvent = {
    type: 'OrderDelivered',
    data: {
      orderId: order.order.orderId,
      customerId: order.order.customerId,
      subsidiary: order.order.subsidiary,
      currency: order.order.currency,
      items: order.order.items,
      deliveredAt: data.deliveredAt,
    },
  };
  switch (order.status) {
    case 'checking':
    case 'notPaid': {
      const { orderId, customerId, invoiceId, paymentId, amount, paidAt } = data;
      return [{ type: 'OrderPaid', data: { orderId, customerId, invoiceId, paymentId, amount, paidAt } }, delivered];
    }
    case 'delivering':
      return [delivered];
    // paid already; a payment captured after a cancellation is invoicing's to refund
    case 'delivered':
    case 'withdrawn':
    case 'cancelled':
      return [];
  }
}

function recordInvoicePaymentFailed({ data }: RecordInvoicePaymentFailed, state: OrderState): OrderEvent[] {
  const order = ownOrder(state, data.orderId, data.customerId);
  if (order.status === 'notPaid' && order.failedPaymentIds.includes(data.paymentId)) return [];
  if (order.status !== 'checking' && order.status !== 'notPaid') return [];
  return [{ type: 'OrderPaymentFailed', data }];
}

function cancelOrder({ data }: CancelOrder, state: OrderState): OrderEvent[] {
  const order = ownOrder(state, data.orderId, data.customerId);
  switch (order.status) {
    case 'checking':
    case 'notPaid': {
      const invoiceId = order.status === 'notPaid' ? order.invoice.invoiceId : undefined;
      return [
        {
          type: 'OrderCancelled',
          data: { orderId: data.orderId, customerId: data.customerId, reason: data.reason, ...(invoiceId ? { invoiceId } : {}), cancelledAt: data.cancelledAt },
        },
      ];
    }
    case 'cancelled':
      return [];
    default:
      throw new OrderNotCancellable(data.orderId, order.status);
  }
}

/** The last calendar day, in the seller's time zone, on which the customer may still withdraw. */
export function lastWithdrawalDay(deliveredAt: string, subsidiaryCode: OrderPlacedData['subsidiary']): Temporal.PlainDate {
  return toSubsidiaryDate(Temporal.Instant.from(deliveredAt), subsidiary(subsidiaryCode)).add({ days: withdrawalPeriodDays });
}

function withdrawOrder({ data }: WithdrawOrder, state: OrderState): OrderEvent[] {
  const order = ownOrder(state, data.orderId, data.customerId);
  if (order.status === 'withdrawn') return [];
  if (order.status !== 'delivered') throw new OrderNotDelivered(data.orderId, order.status);

  const seller = subsidiary(order.order.subsidiary);
  if (seller.taxRegime !== 'euVat') {
    throw new WithdrawalNotApplicable(`the withdrawal right applies to orders from our EU subsidiaries, not ${seller.code}`);
  }
  // the invoice's billed account is authoritative; the order's declared profile until it is known
  const business = order.invoice.businessCustomer ?? order.order.customer.vatNumber !== undefined;
  if (business) throw new WithdrawalNotApplicable('the withdrawal right is a consumer right: this order was billed to a business');

  const lastDay = lastWithdrawalDay(order.deliveredAt, order.order.subsidiary);
  const today = toSubsidiaryDate(Temporal.Instant.from(data.withdrawnAt), seller);
  if (Temporal.PlainDate.compare(today, lastDay) > 0) {
    throw new WithdrawalPeriodOver(`the ${withdrawalPeriodDays}-day withdrawal period ended on ${lastDay.toString()}`);
  }
  return [
    {
      type: 'OrderWithdrawn',
      data: {
        orderId: data.orderId,
        customerId: data.customerId,
        invoiceId: order.invoice.invoiceId,
        itemIds: order.order.items.map((item) => item.itemId),
        refundAmount: order.payment.amount,
        reason: 'withdrawal',
        withdrawnAt: data.withdrawnAt,
      },
    },
  ];
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'RecordInvoiceIssued':
      return recordInvoiceIssued(command, state);
    case 'RecordInvoicePaid':
      return recordInvoicePaid(command, state);
    case 'RecordInvoicePaymentFailed':
      return recordInvoicePaymentFailed(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'WithdrawOrder':
      return withdrawOrder(command, state);
  }
}

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: initialOrderState,
  evolve,
  decide,
};
