// Invoice and credit-note ids derive from what they bill, so a repeated request (a duplicate
// OrderPlaced or RenewalInvoiceRequested, a redelivery after a crash) names the same stream and
// the decider issues nothing the second time: exactly one invoice per order and per renewal term.
import { derivedEventId } from '@billing/eventsourcing';
import type { CreditNoteReason, InvoiceSource } from '../domain/invoice';

export function invoiceIdOf(source: InvoiceSource): string {
  switch (source.kind) {
    case 'order':
      return derivedEventId(source.orderId, 'invoice-of-order');
    case 'renewal':
      return derivedEventId(source.renewalTermId, 'invoice-of-renewal-term');
    case 'upgrade':
      return derivedEventId(source.planChangeId, 'invoice-of-plan-change');
  }
}

/** One credit note per (invoice, reason, what it credits). */
export function creditNoteIdOf(invoiceId: string, reason: CreditNoteReason, credited: string): string {
  return derivedEventId(invoiceId, `credit-note/${reason}/${credited}`);
}
