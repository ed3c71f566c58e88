// The Invoice decider: issue (tax from the account as it is on the issue date, totals per rate),
// payment attempts (one gateway charge at most per attempt number) and credit notes. Pure: the
// number, the times and the ids arrive in the commands — the number is taken by the caller in the
// transaction that appends the issue (see InvoiceIssuing).
import {
  computeInvoiceTotals,
  determineTax,
  findSubsidiary,
  isCurrencyCode,
  multiplyByQuantity,
  TaxError,
  type Money,
} from '@billing/billing-kernel';
import type { Temporal } from 'temporal-polyfill';
import type { BilledTo } from './customer-account';
import {
  amountDue,
  evolveInvoice,
  initialInvoiceState,
  refundIdempotencyKey,
  type CreditNoteReason,
  type DocumentNumber,
  type DocumentTotals,
  type InvoiceCategory,
  type InvoiceEvent,
  type InvoiceLine,
  type InvoiceSource,
  type InvoiceState,
  type IssuedInvoiceState,
  type PaymentFailureReason,
  type RefundFailureReason,
  type Settlement,
  type TaxAtRate,
} from './invoice';
import {
  BillNotFound,
  CreditExceedsInvoice,
  InvoiceAlreadyPaid,
  InvoiceCancelled,
  InvoiceTaxRefused,
  PaymentInProgress,
  UnknownPaymentAttempt,
} from './invoicing-refusals';

/** A line as the source bills it: invoicing adds its amount and the tax rate. */
export type DraftLine = Omit<InvoiceLine, 'amountWithoutTax' | 'taxRate'>;

export type IssueInvoice = Readonly<{
  type: 'IssueInvoice';
  data: Readonly<{
    invoiceId: string;
    customerId: string;
    source: InvoiceSource;
    category: InvoiceCategory;
    subsidiary: string;
    currency: string;
    /** the customer account as it is now: copied onto the invoice, and taxed */
    billedTo: BilledTo;
    lines: readonly DraftLine[];
    settlement: Settlement;
    /** the date payment is expected (a renewal: the expiration); absent or earlier: the issue date */
    payableBy?: string;
    number: DocumentNumber;
    issuedAt: string;
    issueDate: Temporal.PlainDate;
  }>;
}>;

/** Which payment method the attempt uses, as resolved against the customer's account. */
export type ChosenPaymentMethod =
  | Readonly<{ kind: 'found'; paymentMethodId: string }>
  /** named (by the order or the request) but not one of the customer's: nothing is charged */
  | Readonly<{ kind: 'notTheCustomers'; paymentMethodId: string }>
  /** none named and no default on the account */
  | Readonly<{ kind: 'none' }>;

export type StartPaymentAttempt = Readonly<{
  type: 'StartPaymentAttempt';
  data: Readonly<{
    invoiceId: string;
    /** the next attempt's number: the last one + 1 */
    attempt: number;
    paymentId: string;
    paymentMethod: ChosenPaymentMethod;
    startedAt: string;
  }>;
}>;

export type PaymentOutcome =
  | Readonly<{ kind: 'succeeded'; gatewayChargeId: string }>
  | Readonly<{ kind: 'failed'; reason: PaymentFailureReason; retryable: boolean }>;

export type RecordPaymentOutcome = Readonly<{
  type: 'RecordPaymentOutcome';
  data: Readonly<{ invoiceId: string; attempt: number; outcome: PaymentOutcome; reconciled: boolean; at: string }>;
}>;

/** What a credit note credits: the whole invoice, an order's items, or the lines of services (a renewal's terms). */
export type CreditScope =
  | Readonly<{ kind: 'wholeInvoice' }>
  | Readonly<{ kind: 'items'; itemIds: readonly string[] }>
  | Readonly<{ kind: 'services'; serviceIds: readonly string[] }>;

function inCreditScope(line: InvoiceLine, scope: CreditScope): boolean {
  switch (scope.kind) {
    case 'wholeInvoice':
      return true;
    case 'items':
      return line.itemId !== undefined && scope.itemIds.includes(line.itemId);
    case 'services':
      return line.serviceId !== undefined && scope.serviceIds.some((serviceId) => serviceId.toLowerCase() === line.serviceId?.toLowerCase());
  }
}

export type IssueCreditNote = Readonly<{
  type: 'IssueCreditNote';
  data: Readonly<{
    creditNoteId: string;
    invoiceId: string;
    reason: CreditNoteReason;
    scope: CreditScope;
    number: DocumentNumber;
    issuedAt: string;
    issueDate: string;
  }>;
}>;

export type RefundOutcome = Readonly<{ kind: 'succeeded'; gatewayRefundId: string }> | Readonly<{ kind: 'failed'; reason: RefundFailureReason }>;

/** What the gateway did with a refunded credit note's refund. */
export type RecordRefundOutcome = Readonly<{
  type: 'RecordRefundOutcome';
  data: Readonly<{ invoiceId: string; creditNoteId: string; outcome: RefundOutcome; at: string }>;
}>;

export type InvoiceCommand = IssueInvoice | StartPaymentAttempt | RecordPaymentOutcome | IssueCreditNote | RecordRefundOutcome;

/** The gateway's idempotency key of an attempt: one charge at most per (invoice, attempt). */
export function paymentIdempotencyKey(invoiceId: string, attempt: number): string {
  return `${invoiceId}:${attempt}`;
}

function issue({ data }: IssueInvoice): InvoiceEvent[] {
  const seller = findSubsidiary(data.subsidiary);
  if (!seller) throw new InvoiceTaxRefused('UNKNOWN_SUBSIDIARY', `${data.subsidiary} is not one of our subsidiaries`);
  if (!isCurrencyCode(data.currency) || data.currency !== seller.currency) {
    throw new InvoiceTaxRefused('CURRENCY_MISMATCH', `${seller.code} invoices in ${seller.currency}, not ${data.currency}`);
  }
  const currency = seller.currency;
  let tax;
  try {
    tax = determineTax(seller, { country: data.billedTo.country, ...(data.billedTo.vatNumber ? { vatNumber: data.billedTo.vatNumber } : {}) }, data.issueDate);
  } catch (error) {
    if (error instanceof TaxError) throw new InvoiceTaxRefused(error.reason, error.message);
    throw error;
  }
  const lines: InvoiceLine[] = data.lines.map((line) => ({
    ...line,
    amountWithoutTax: multiplyByQuantity(line.unitPrice, line.quantity),
    taxRate: tax.rate,
  }));
  const computed = computeInvoiceTotals(currency, lines.map((line) => ({ lineTotal: line.amountWithoutTax, rate: line.taxRate })));
  const issueDate = data.issueDate.toString();
  return [
    {
      type: 'InvoiceIssued',
      data: {
        ...data.number,
        invoiceId: data.invoiceId,
        customerId: data.customerId,
        source: data.source,
        category: data.category,
        subsidiary: seller.code,
        currency,
        seller: { subsidiary: seller.code, legalEntityName: seller.legalEntityName, taxRegistrationNumber: seller.taxRegistrationNumber },
        billedTo: data.billedTo,
        lines,
        tax,
        taxes: computed.taxPerRate.map(({ rate, taxBase, tax: amount }) => ({ rate, base: taxBase, amount })),
        reverseCharge: tax.treatment === 'reverseCharge',
        totals: { withoutTax: computed.totalExcludingTax, tax: computed.totalTax, withTax: computed.totalIncludingTax },
        issuedAt: data.issuedAt,
        issueDate,
        dueDate: data.payableBy && data.payableBy > issueDate ? data.payableBy : issueDate,
        settlement: data.settlement,
      },
    },
  ];
}

function assertPayable(state: IssuedInvoiceState): asserts state is Extract<IssuedInvoiceState, { status: 'unpaid' }> {
  if (state.status === 'paid') throw new InvoiceAlreadyPaid(state.invoice.invoiceId);
  if (state.status === 'cancelled') throw new InvoiceCancelled(state.invoice.invoiceId);
  if (state.status === 'paymentPending') throw new PaymentInProgress(state.invoice.invoiceId, state.pendingAttempt.attempt);
}

function startAttempt({ data }: StartPaymentAttempt, state: IssuedInvoiceState): InvoiceEvent[] {
  assertPayable(state);
  const { invoice } = state;
  if (data.attempt !== state.attempts + 1) throw new UnknownPaymentAttempt(invoice.invoiceId, data.attempt);
  const facts = {
    invoiceId: invoice.invoiceId,
    customerId: invoice.customerId,
    source: invoice.source,
    paymentId: data.paymentId,
    attempt: data.attempt,
    amount: amountDue(state) as Money,
  };
  const { paymentMethod } = data;
  if (paymentMethod.kind !== 'found') {
    // refused before the gateway: nothing is charged, and only the customer can fix it
    const reason: PaymentFailureReason = paymentMethod.kind === 'none' ? 'noPaymentMethod' : 'paymentMethodNotFound';
    return [
      {
        type: 'PaymentFailed',
        data: {
          ...facts,
          reason,
          retryable: false,
          ...(paymentMethod.kind === 'notTheCustomers' ? { paymentMethodId: paymentMethod.paymentMethodId } : {}),
          reconciled: false,
          failedAt: data.startedAt,
        },
      },
    ];
  }
  return [
    {
      type: 'PaymentAttemptStarted',
      data: {
        ...facts,
        idempotencyKey: paymentIdempotencyKey(invoice.invoiceId, data.attempt),
        paymentMethodId: paymentMethod.paymentMethodId,
        startedAt: data.startedAt,
      },
    },
  ];
}

function recordOutcome({ data }: RecordPaymentOutcome, state: IssuedInvoiceState): InvoiceEvent[] {
  // the outcome of an attempt recorded already (the reconciler and the caller both learnt it)
  if (data.attempt <= state.attempts && (state.status !== 'paymentPending' || state.pendingAttempt.attempt !== data.attempt)) return [];
  if (state.status !== 'paymentPending' || state.pendingAttempt.attempt !== data.attempt) {
    throw new UnknownPaymentAttempt(state.invoice.invoiceId, data.attempt);
  }
  const { invoiceId, customerId, source, paymentId, attempt, amount, paymentMethodId } = state.pendingAttempt;
  const facts = { invoiceId, customerId, source, paymentId, attempt, amount, paymentMethodId, reconciled: data.reconciled };
  return data.outcome.kind === 'succeeded'
    ? [{ type: 'PaymentSucceeded', data: { ...facts, gatewayChargeId: data.outcome.gatewayChargeId, paidAt: data.at } }]
    : [{ type: 'PaymentFailed', data: { ...facts, reason: data.outcome.reason, retryable: data.outcome.retryable, failedAt: data.at } }];
}

function subtract(a: Money, b: Money): Money {
  return { currency: a.currency, value: a.value - b.value };
}

/** The tax per rate of the credited lines: the remainder of the invoice when they are its last lines. */
function creditedAmounts(state: IssuedInvoiceState, selected: readonly number[], creditedBefore: ReadonlySet<number>): { taxes: TaxAtRate[]; totals: DocumentTotals } {
  const { invoice } = state;
  const lines = selected.map((index) => invoice.lines[index]);
  if (selected.length + creditedBefore.size === invoice.lines.length) {
    // the last lines take exactly what is left, so that the credits add up to the invoice to the cent
    const taxes = invoice.taxes
      .map((rate) =>
        state.creditNotes
          .flatMap((note) => note.taxes.filter((credited) => credited.rate === rate.rate))
          .reduce((left, credited) => ({ rate: left.rate, base: subtract(left.base, credited.base), amount: subtract(left.amount, credited.amount) }), rate),
      )
      .filter((rate) => lines.some((line) => line.taxRate === rate.rate));
    const totals = state.creditNotes.reduce(
      (left, note) => ({
        withoutTax: subtract(left.withoutTax, note.totals.withoutTax),
        tax: subtract(left.tax, note.totals.tax),
        withTax: subtract(left.withTax, note.totals.withTax),
      }),
      invoice.totals,
    );
    return { taxes, totals };
  }
  const computed = computeInvoiceTotals(invoice.currency, lines.map((line) => ({ lineTotal: line.amountWithoutTax, rate: line.taxRate })));
  return {
    taxes: computed.taxPerRate.map(({ rate, taxBase, tax }) => ({ rate, base: taxBase, amount: tax })),
    totals: { withoutTax: computed.totalExcludingTax, tax: computed.totalTax, withTax: computed.totalIncludingTax },
  };
}

function issueCreditNote({ data }: IssueCreditNote, state: IssuedInvoiceState): InvoiceEvent[] {
  if (state.creditNotes.some((note) => note.creditNoteId === data.creditNoteId)) return [];
  // the outcome decides whether the credit is refunded or reduces the debt: wait for it
  if (state.status === 'paymentPending') throw new PaymentInProgress(state.invoice.invoiceId, state.pendingAttempt.attempt);
  const { invoice } = state;
  const creditedBefore = new Set(state.creditNotes.flatMap((note) => note.creditedLines));
  const selected = invoice.lines.map((line, index) => (inCreditScope(line, data.scope) && !creditedBefore.has(index) ? index : -1)).filter((index) => index >= 0);
  // everything asked for is credited already (a cancellation after a withdrawal, say)
  if (selected.length === 0) return [];

  const { taxes, totals } = creditedAmounts(state, selected, creditedBefore);
  if (totals.withTax.value > invoice.totals.withTax.value - state.creditNotes.reduce((sum, note) => sum + note.totals.withTax.value, 0)) {
    throw new CreditExceedsInvoice(invoice.invoiceId);
  }
  return [
    {
      type: 'CreditNoteIssued',
      data: {
        ...data.number,
        creditNoteId: data.creditNoteId,
        invoiceId: invoice.invoiceId,
        invoiceNumber: invoice.number,
        customerId: invoice.customerId,
        reason: data.reason,
        subsidiary: invoice.subsidiary,
        currency: invoice.currency,
        seller: invoice.seller,
        billedTo: invoice.billedTo,
        lines: selected.map((index) => invoice.lines[index]),
        creditedLines: selected,
        taxes,
        totals,
        refunded: state.status === 'paid',
        issuedAt: data.issuedAt,
        issueDate: data.issueDate,
      },
    },
  ];
}

function recordRefundOutcome({ data }: RecordRefundOutcome, state: IssuedInvoiceState): InvoiceEvent[] {
  const note = state.creditNotes.find((candidate) => candidate.creditNoteId === data.creditNoteId);
  if (!note) throw new BillNotFound(data.creditNoteId);
  // a credit note that reduced a debt has nothing to pay back; an outcome is recorded once
  if (!note.refunded || state.refunds?.[note.creditNoteId] !== undefined) return [];
  const facts = {
    creditNoteId: note.creditNoteId,
    invoiceId: note.invoiceId,
    customerId: note.customerId,
    amount: note.totals.withTax,
    idempotencyKey: refundIdempotencyKey(note.creditNoteId),
  };
  return data.outcome.kind === 'succeeded'
    ? [{ type: 'RefundSucceeded', data: { ...facts, gatewayRefundId: data.outcome.gatewayRefundId, refundedAt: data.at } }]
    : [{ type: 'RefundFailed', data: { ...facts, reason: data.outcome.reason, failedAt: data.at } }];
}

export function decideInvoice(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  if (command.type === 'IssueInvoice') {
    // exactly one invoice per source: a repeated request (duplicate event) issues nothing
    return state.status === 'notIssued' ? issue(command) : [];
  }
  if (state.status === 'notIssued') throw new BillNotFound(command.data.invoiceId);
  switch (command.type) {
    case 'StartPaymentAttempt':
      return startAttempt(command, state);
    case 'RecordPaymentOutcome':
      return recordOutcome(command, state);
    case 'IssueCreditNote':
      return issueCreditNote(command, state);
    case 'RecordRefundOutcome':
      return recordRefundOutcome(command, state);
  }
}

export const invoiceDecider = {
  initialState: initialInvoiceState,
  evolve: evolveInvoice,
  decide: decideInvoice,
};
