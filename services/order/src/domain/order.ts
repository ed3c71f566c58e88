// The Order aggregate: its events (the facts of a one-click order's life), its state as a union on
// `status`, and how each event moves the state. DOMAIN.md: checking → notPaid → delivering →
// delivered, or cancelled; a delivered EU consumer order may then be withdrawn.
import type { AppliedTax, CurrencyCode, CustomerTaxProfile, Money, Period, SubsidiaryCode, Universe } from '@billing/billing-kernel';

export type OrderStatus = 'checking' | 'notPaid' | 'delivering' | 'delivered' | 'cancelled' | 'withdrawn';

/** An option sold with an item (a catalog plan priced for the item's period), billed with it. */
export type OrderedOption = Readonly<{
  planCode: string;
  label: string;
  quantity: number;
  /** one unit for one term, tax excluded */
  unitPrice: Money;
  lineTotal: Money;
  /** basis points */
  taxRate: number;
}>;

/** One line of the order: once delivered, it becomes one service. */
export type OrderedItem = Readonly<{
  itemId: string;
  planCode: string;
  universe: Universe;
  label: string;
  period: Period;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  taxRate: number;
  options: readonly OrderedOption[];
  /** the commitment ordered with the plan, one of those it offers */
  engagementDuration?: Period;
}>;

export type OrderTotals = Readonly<{ withoutTax: Money; tax: Money; withTax: Money }>;

/** The priced content of an order, as the customer saw it when he clicked. */
export type PricedOrder = Readonly<{
  subsidiary: SubsidiaryCode;
  currency: CurrencyCode;
  items: readonly OrderedItem[];
  /** the tax expected from the customer's declared profile; invoicing recomputes it from the account */
  tax: AppliedTax;
  totals: OrderTotals;
  catalogVersion: string;
  /** YYYY-MM-DD in the subsidiary's calendar */
  pricingDate: string;
}>;

export type OrderPlacedData = PricedOrder &
  Readonly<{
    orderId: string;
    customerId: string;
    autoPay: boolean;
    paymentMethodId?: string;
    /** what the customer declared for tax when ordering (B2B when a VAT number is given) */
    customer: CustomerTaxProfile;
    /** sha256 of the canonical request: a retry with the same Idempotency-Key must carry the same */
    requestHash: string;
    placedAt: string;
  }>;

export type OrderPlaced = Readonly<{ type: 'OrderPlaced'; data: OrderPlacedData }>;

/** Invoicing issued the order's invoice: it waits for its payment (status notPaid). */
export type OrderInvoiced = Readonly<{
  type: 'OrderInvoiced';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    invoiceNumber: string;
    amountDue: Money;
    /** the account as billed: a VAT number makes it a business customer (no withdrawal right) */
    billedTo: Readonly<{ country: string; vatNumber?: string }>;
    invoicedAt: string;
  }>;
}>;

export type OrderPaymentFailed = Readonly<{
  type: 'OrderPaymentFailed';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    paymentId: string;
    attempt: number;
    /** the gateway's reason, as invoicing reported it (`insufficientFunds`, `declined`, …) */
    reason: string;
    retryable: boolean;
    amountDue: Money;
    failedAt: string;
  }>;
}>;

export type OrderPaid = Readonly<{
  type: 'OrderPaid';
  data: Readonly<{ orderId: string; customerId: string; invoiceId: string; paymentId: string; amount: Money; paidAt: string }>;
}>;

/** Carries the whole order: subscription turns each item into one service. */
export type OrderDelivered = Readonly<{
  type: 'OrderDelivered';
  data: Readonly<{
    orderId: string;
    customerId: string;
    subsidiary: SubsidiaryCode;
    currency: CurrencyCode;
    items: readonly OrderedItem[];
    deliveredAt: string;
  }>;
}>;

export type CancellationReason = 'customerRequest' | 'operatorDecision';

export type OrderCancelled = Readonly<{
  type: 'OrderCancelled';
  data: Readonly<{ orderId: string; customerId: string; reason: CancellationReason; invoiceId?: string; cancelledAt: string }>;
}>;

/** EU consumer withdrawal (Directive 2011/83/EU art. 9): services end, the payment is refunded. */
export type OrderWithdrawn = Readonly<{
  type: 'OrderWithdrawn';
  data: Readonly<{
    orderId: string;
    customerId: string;
    invoiceId: string;
    itemIds: readonly string[];
    refundAmount: Money;
    reason: 'withdrawal';
    withdrawnAt: string;
  }>;
}>;

export type OrderEvent =
  | OrderPlaced
  | OrderInvoiced
  | OrderPaymentFailed
  | OrderPaid
  | OrderDelivered
  | OrderCancelled
  | OrderWithdrawn;

/** What the order knows of its invoice. */
export type InvoiceFacts = Readonly<{
  invoiceId: string;
  invoiceNumber?: string;
  amountDue: Money;
  /** known once the invoice is issued: the billed account has a VAT number */
  businessCustomer?: boolean;
}>;

export type Payment = Readonly<{ paymentId: string; amount: Money; paidAt: string }>;

type Placed = Readonly<{ order: OrderPlacedData }>;

export type OrderState =
  | Readonly<{ status: 'initial' }>
  | (Placed & Readonly<{ status: 'checking' }>)
  | (Placed & Readonly<{ status: 'notPaid'; invoice: InvoiceFacts; failedPaymentIds: readonly string[] }>)
  | (Placed & Readonly<{ status: 'delivering'; invoice: InvoiceFacts; payment: Payment }>)
  | (Placed & Readonly<{ status: 'delivered'; invoice: InvoiceFacts; payment: Payment; deliveredAt: string }>)
  | (Placed & Readonly<{ status: 'withdrawn'; invoice: InvoiceFacts; payment: Payment; deliveredAt: string; withdrawnAt: string }>)
  | (Placed & Readonly<{ status: 'cancelled'; invoice?: InvoiceFacts; cancelledAt: string }>);

export type PlacedOrderState = Exclude<OrderState, { status: 'initial' }>;

export const initialOrderState = (): OrderState => ({ status: 'initial' });

export function orderStreamId(orderId: string): string {
  return `order-${orderId}`;
}

/** The invoice the state knows, whatever the status. */
export function invoiceOf(state: OrderState): InvoiceFacts | undefined {
  return 'invoice' in state ? state.invoice : undefined;
}

/** Events are facts: evolve never refuses one, and ignores one that cannot apply to the state. */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return state.status === 'initial' ? { status: 'checking', order: event.data } : state;

    case 'OrderInvoiced': {
      if (state.status !== 'checking') return state;
      const { invoiceId, invoiceNumber, amountDue, billedTo } = event.data;
      return {
        status: 'notPaid',
        order: state.order,
        invoice: { invoiceId, invoiceNumber, amountDue, businessCustomer: billedTo.vatNumber !== undefined },
        failedPaymentIds: [],
      };
    }

    case 'OrderPaymentFailed': {
      const { invoiceId, paymentId, amountDue } = event.data;
      if (state.status === 'checking') {
        return { status: 'notPaid', order: state.order, invoice: { invoiceId, amountDue }, failedPaymentIds: [paymentId] };
      }
      if (state.status === 'notPaid') return { ...state, failedPaymentIds: [...state.failedPaymentIds, paymentId] };
      return state;
    }

    case 'OrderPaid': {
      if (state.status !== 'checking' && state.status !== 'notPaid') return state;
      const { invoiceId, paymentId, amount, paidAt } = event.data;
      const invoice = state.status === 'notPaid' ? state.invoice : { invoiceId, amountDue: amount };
      return { status: 'delivering', order: state.order, invoice, payment: { paymentId, amount, paidAt } };
    }

    case 'OrderDelivered':
      return state.status === 'delivering'
        ? { status: 'delivered', order: state.order, invoice: state.invoice, payment: state.payment, deliveredAt: event.data.deliveredAt }
        : state;

    case 'OrderCancelled':
      if (state.status !== 'checking' && state.status !== 'notPaid') return state;
      return {
        status: 'cancelled',
        order: state.order,
        ...(state.status === 'notPaid' ? { invoice: state.invoice } : {}),
        cancelledAt: event.data.cancelledAt,
      };

    case 'OrderWithdrawn':
      return state.status === 'delivered' ? { ...state, status: 'withdrawn', withdrawnAt: event.data.withdrawnAt } : state;
  }
}
