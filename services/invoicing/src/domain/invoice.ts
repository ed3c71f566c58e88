// The Invoice aggregate: one stream per invoice, from its issue (with the next number of its
// series) through its payment attempts to the credit notes that correct it. DOMAIN.md: priced
// lines → taxes → issued with the next number of its series → payment attempts → paid, or stays
// due (debt). Never edited once issued: corrections are credit notes, numbered in the same series.
import type { AppliedTax, CurrencyCode, Money, PurchaseBillCategory, SubsidiaryCode } from '@billing/billing-kernel';
import type { BilledTo } from './customer-account';

export type InvoiceCategory = PurchaseBillCategory | 'autorenew' | 'earlyrenewal';

/**
 * What the invoice bills: exactly one invoice per source (its id is derived from the source's). A
 * renewal invoice may bill the customer's other terms of the same day with its own (groupedTerms).
 */
export type InvoiceSource =
  | Readonly<{ kind: 'order'; orderId: string }>
  | Readonly<{ kind: 'renewal'; renewalTermId: string; serviceId: string; groupedTerms?: Readonly<{ renewalTermId: string; serviceId: string }>[] }>
  | Readonly<{ kind: 'upgrade'; planChangeId: string; serviceId: string }>;

export type InvoiceLine = Readonly<{
  description: string;
  planCode?: string;
  serviceId?: string;
  /** the order item the line bills (an item's option lines carry the item's id) */
  itemId?: string;
  periodStart?: string;
  periodEnd?: string;
  quantity: number;
  /** tax excluded */
  unitPrice: Money;
  /** quantity × unitPrice, tax excluded */
  amountWithoutTax: Money;
  /** basis points */
  taxRate: number;
}>;

/** The legal seller as printed on the document, copied at issue (a later change of name never reaches it). */
export type Seller = Readonly<{ subsidiary: SubsidiaryCode; legalEntityName: string; taxRegistrationNumber: string }>;

export type TaxAtRate = Readonly<{ rate: number; base: Money; amount: Money }>;

export type DocumentTotals = Readonly<{ withoutTax: Money; tax: Money; withTax: Money }>;

/** A legal number: `FR-2026-000042` is sequence 42 of series `FR-2026`. */
export type DocumentNumber = Readonly<{ series: string; sequence: number; number: string }>;

/** How the invoice is to be settled: charged at once (one-click order, automatic renewal) or paid by the customer. */
export type Settlement = Readonly<{
  autoPay: boolean;
  /** the payment method the order chose; absent: the account's default */
  paymentMethodId?: string;
}>;

export type IssuedInvoice = DocumentNumber &
  Readonly<{
    invoiceId: string;
    customerId: string;
    source: InvoiceSource;
    category: InvoiceCategory;
    subsidiary: SubsidiaryCode;
    currency: CurrencyCode;
    seller: Seller;
    billedTo: BilledTo;
    lines: readonly InvoiceLine[];
    /** the tax decision as applied on the issue date: rate, source, legal mention */
    tax: AppliedTax;
    taxes: readonly TaxAtRate[];
    reverseCharge: boolean;
    totals: DocumentTotals;
    issuedAt: string;
    /** the subsidiary's calendar date of issuedAt */
    issueDate: string;
    /** unpaid on or after this date, the invoice is due (see the debt account) */
    dueDate: string;
    settlement: Settlement;
  }>;

/** The contract's reasons, plus `paymentMethodNotFound`: the method named is not the customer's (nothing was charged). */
export const paymentFailureReasons = [
  'declined',
  'insufficientFunds',
  'expired',
  'authenticationRequired',
  'noPaymentMethod',
  'paymentMethodNotFound',
  'fraudSuspected',
  'gatewayUnavailable',
  'other',
] as const;
export type PaymentFailureReason = (typeof paymentFailureReasons)[number];

export const creditNoteReasons = ['refund', 'withdrawal', 'prorationCredit', 'correction'] as const;
export type CreditNoteReason = (typeof creditNoteReasons)[number];

export type InvoiceIssued = Readonly<{ type: 'InvoiceIssued'; data: IssuedInvoice }>;

type PaymentFacts = Readonly<{
  invoiceId: string;
  customerId: string;
  source: InvoiceSource;
  /** the attempt's id, derived from (invoice, attempt) */
  paymentId: string;
  /** from 1; one gateway charge at most per attempt */
  attempt: number;
  amount: Money;
}>;

/**
 * Recorded before the gateway is called, so that an attempt whose answer is lost (timeout, crash)
 * is known and settled by asking the gateway for `idempotencyKey`, never by charging again.
 */
export type PaymentAttemptStarted = Readonly<{
  type: 'PaymentAttemptStarted';
  data: PaymentFacts & Readonly<{ idempotencyKey: string; paymentMethodId: string; startedAt: string }>;
}>;

export type PaymentSucceeded = Readonly<{
  type: 'PaymentSucceeded';
  data: PaymentFacts &
    Readonly<{
      paymentMethodId: string;
      gatewayChargeId: string;
      /** the outcome was learnt by asking the gateway afterwards (the charge's answer was lost) */
      reconciled: boolean;
      paidAt: string;
    }>;
}>;

export type PaymentFailed = Readonly<{
  type: 'PaymentFailed';
  data: PaymentFacts &
    Readonly<{
      reason: PaymentFailureReason;
      /** another attempt may succeed; false: only the customer can fix it (another method) */
      retryable: boolean;
      paymentMethodId?: string;
      reconciled: boolean;
      failedAt: string;
    }>;
}>;

export type IssuedCreditNote = DocumentNumber &
  Readonly<{
    creditNoteId: string;
    invoiceId: string;
    invoiceNumber: string;
    customerId: string;
    reason: CreditNoteReason;
    subsidiary: SubsidiaryCode;
    currency: CurrencyCode;
    seller: Seller;
    billedTo: BilledTo;
    /** the invoice lines credited (amounts positive: what is credited) */
    lines: readonly InvoiceLine[];
    /** their positions among the invoice's lines: each line is credited once at most */
    creditedLines: readonly number[];
    taxes: readonly TaxAtRate[];
    totals: DocumentTotals;
    /** paid back to the payment method (the invoice was paid); otherwise it reduces the debt */
    refunded: boolean;
    issuedAt: string;
    issueDate: string;
  }>;

export type CreditNoteIssued = Readonly<{ type: 'CreditNoteIssued'; data: IssuedCreditNote }>;

type RefundFacts = Readonly<{
  creditNoteId: string;
  invoiceId: string;
  customerId: string;
  /** the credit note's total, paid back to the method that paid the invoice */
  amount: Money;
  /** `refund:${creditNoteId}`: the gateway refunds a key at most once */
  idempotencyKey: string;
}>;

/** The gateway paid the credit note back. Exactly one per refunded credit note. */
export type RefundSucceeded = Readonly<{
  type: 'RefundSucceeded';
  data: RefundFacts & Readonly<{ gatewayRefundId: string; refundedAt: string }>;
}>;

/** The gateway refused the refund (the charge is gone, say): an operator pays it back by hand. */
export type RefundFailed = Readonly<{
  type: 'RefundFailed';
  data: RefundFacts & Readonly<{ reason: RefundFailureReason; failedAt: string }>;
}>;

export const refundFailureReasons = ['chargeNotFound', 'exceedsCharge', 'other'] as const;
export type RefundFailureReason = (typeof refundFailureReasons)[number];

export type InvoiceEvent = InvoiceIssued | PaymentAttemptStarted | PaymentSucceeded | PaymentFailed | CreditNoteIssued | RefundSucceeded | RefundFailed;

/** The idempotency key of a credit note's refund at the gateway. */
export function refundIdempotencyKey(creditNoteId: string): string {
  return `refund:${creditNoteId}`;
}

export type PendingAttempt = PaymentAttemptStarted['data'];

export type LastPaymentFailure = Readonly<{ attempt: number; reason: PaymentFailureReason; retryable: boolean; failedAt: string }>;

type IssuedState = Readonly<{
  invoice: IssuedInvoice;
  /** the number of the last attempt (0: none yet) */
  attempts: number;
  lastFailure?: LastPaymentFailure;
  creditNotes: readonly IssuedCreditNote[];
  /** the outcome of each refunded credit note's refund, by credit note id */
  refunds?: Readonly<Record<string, 'succeeded' | 'failed'>>;
}>;

export type InvoiceState =
  | Readonly<{ status: 'notIssued' }>
  /** issued, not paid, no attempt at the gateway: a debt (due or not yet) */
  | (IssuedState & Readonly<{ status: 'unpaid' }>)
  /** an attempt is at the gateway, its outcome unknown */
  | (IssuedState & Readonly<{ status: 'paymentPending'; pendingAttempt: PendingAttempt }>)
  | (IssuedState & Readonly<{ status: 'paid'; payment: PaymentSucceeded['data'] }>)
  /** credited in full before payment: nothing is owed */
  | (IssuedState & Readonly<{ status: 'cancelled' }>);

export type IssuedInvoiceState = Exclude<InvoiceState, { status: 'notIssued' }>;

export function invoiceStreamId(invoiceId: string): string {
  return `invoice-${invoiceId}`;
}

export const initialInvoiceState = (): InvoiceState => ({ status: 'notIssued' });

/** The credit notes to pay back whose refund has no outcome yet. */
export function refundsOwed(state: InvoiceState): IssuedCreditNote[] {
  if (state.status === 'notIssued') return [];
  return state.creditNotes.filter((note) => note.refunded && state.refunds?.[note.creditNoteId] === undefined);
}

/** What the credit notes took off the invoice so far, tax included. */
export function creditedAmount(state: IssuedInvoiceState): number {
  return state.creditNotes.reduce((sum, note) => sum + note.totals.withTax.value, 0);
}

/** What the customer still owes: the invoice less its credit notes, until it is paid. */
export function amountDue(state: InvoiceState): Money | undefined {
  if (state.status === 'notIssued') return undefined;
  const { currency } = state.invoice;
  if (state.status === 'paid' || state.status === 'cancelled') return { currency, value: 0 };
  return { currency, value: Math.max(0, state.invoice.totals.withTax.value - creditedAmount(state)) };
}

export function evolveInvoice(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  if (event.type === 'InvoiceIssued') {
    return state.status === 'notIssued' ? { status: 'unpaid', invoice: event.data, attempts: 0, creditNotes: [] } : state;
  }
  if (state.status === 'notIssued') return state;
  const { invoice, attempts, lastFailure, creditNotes, refunds } = state;
  const issued: IssuedState = { invoice, attempts, creditNotes, ...(lastFailure ? { lastFailure } : {}), ...(refunds ? { refunds } : {}) };
  switch (event.type) {
    case 'PaymentAttemptStarted':
      return { ...issued, status: 'paymentPending', attempts: event.data.attempt, pendingAttempt: event.data };
    case 'PaymentSucceeded':
      return { invoice, attempts: Math.max(attempts, event.data.attempt), creditNotes, ...(refunds ? { refunds } : {}), status: 'paid', payment: event.data };
    case 'PaymentFailed': {
      const { attempt, reason, retryable, failedAt } = event.data;
      return { ...issued, status: 'unpaid', attempts: Math.max(attempts, attempt), lastFailure: { attempt, reason, retryable, failedAt } };
    }
    case 'CreditNoteIssued': {
      const next = { ...state, creditNotes: [...creditNotes, event.data] };
      return next.status === 'unpaid' && amountDue(next)?.value === 0 ? { ...issued, creditNotes: next.creditNotes, status: 'cancelled' } : next;
    }
    case 'RefundSucceeded':
    case 'RefundFailed':
      return { ...state, refunds: { ...refunds, [event.data.creditNoteId]: event.type === 'RefundSucceeded' ? 'succeeded' : 'failed' } };
  }
}
