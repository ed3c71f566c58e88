// What the invoicing API answers: plain JSON built from the aggregates (accounts) or from the
// bills read model. Amounts are {currency, value} in integer minor units.
import { findSubsidiary } from '@billing/billing-kernel';
import type { CustomerAccountState, PaymentMethod } from '../domain/customer-account';
import type { PaymentResult } from '../commands/invoice-payments';
import { contractFailureReason } from '../publishing/invoicing-messages';
import type { BillRecord } from '../read-models/bills/bill-record.entity';
import type { CurrencyDebt } from '../read-models/debt-account/debt-account.query';

export function accountView(state: Exclude<CustomerAccountState, { status: 'none' }>) {
  const common = {
    customerId: state.customerId,
    ...(state.defaultPaymentMethodId ? { defaultPaymentMethodId: state.defaultPaymentMethodId } : {}),
  };
  if (state.status === 'provisional') {
    // opened from an order: the customer completes it with PUT /me
    return { ...common, status: 'provisional' as const, subsidiary: state.subsidiary, currency: findSubsidiary(state.subsidiary)?.currency, country: state.country };
  }
  const { subsidiary, name, postalAddress, country, vatNumber, email } = state.profile;
  return {
    ...common,
    status: 'complete' as const,
    subsidiary,
    currency: findSubsidiary(subsidiary)?.currency,
    name,
    postalAddress,
    country,
    ...(vatNumber ? { vatNumber } : {}),
    email,
    updatedAt: state.updatedAt,
  };
}

/** Never the token: the customer reads the label and the type. */
export function paymentMethodView(method: PaymentMethod, defaultPaymentMethodId: string | undefined) {
  return {
    paymentMethodId: method.paymentMethodId,
    type: method.type,
    ...(method.label ? { label: method.label } : {}),
    default: method.paymentMethodId === defaultPaymentMethodId,
    registeredAt: method.registeredAt,
  };
}

function money(currency: string, value: number) {
  return { currency, value };
}

export function billSummaryView(bill: BillRecord) {
  return {
    billId: bill.billId,
    kind: bill.kind,
    number: bill.number,
    category: bill.category,
    status: bill.status,
    currency: bill.currency,
    issuedAt: bill.issuedAt.toISOString(),
    ...(bill.dueDate ? { dueDate: bill.dueDate } : {}),
    totals: { withoutTax: money(bill.currency, bill.totalWithoutTax), tax: money(bill.currency, bill.totalTax), withTax: money(bill.currency, bill.totalWithTax) },
    ...(bill.kind === 'invoice'
      ? {
          amountDue: money(bill.currency, bill.status === 'unpaid' ? Math.max(0, bill.totalWithTax - bill.creditedAmount) : 0),
          ...(bill.creditedAmount > 0 ? { creditedAmount: money(bill.currency, bill.creditedAmount) } : {}),
        }
      : {
          invoiceId: bill.invoiceId,
          reason: bill.creditNoteReason,
          refunded: bill.refunded,
          // refunded: true says the money goes back; refundedAt says the gateway has paid it
          ...(bill.refundedAt ? { refundedAt: bill.refundedAt.toISOString() } : {}),
        }),
  };
}

export function billView(bill: BillRecord, creditNotes: readonly BillRecord[]) {
  const document = bill.document;
  return {
    ...billSummaryView(bill),
    series: bill.series,
    sequence: bill.sequence,
    subsidiary: bill.subsidiary,
    ...('billedTo' in document ? { billedTo: document.billedTo, source: document.source, reverseCharge: document.reverseCharge } : {}),
    lines: document.lines ?? [],
    taxes: document.taxes,
    ...(bill.paidAt ? { paidAt: bill.paidAt.toISOString() } : {}),
    ...(bill.lastPaymentFailure && bill.status === 'unpaid' ? { lastPaymentFailure: bill.lastPaymentFailure } : {}),
    ...(bill.kind === 'invoice'
      ? {
          creditNotes: creditNotes.map((note) => ({
            billId: note.billId,
            number: note.number,
            reason: note.creditNoteReason,
            totals: billSummaryView(note).totals,
            refunded: note.refunded,
            ...(note.refundedAt ? { refundedAt: note.refundedAt.toISOString() } : {}),
          })),
        }
      : {}),
  };
}

export function paymentResultView(result: PaymentResult) {
  return {
    invoiceId: result.invoiceId,
    paymentId: result.paymentId,
    attempt: result.attempt,
    status: result.status,
    ...(result.status === 'failed' ? { reason: contractFailureReason(result.reason), retryable: result.retryable } : {}),
  };
}

export function debtAccountView(debts: readonly CurrencyDebt[]) {
  return { balances: debts };
}
