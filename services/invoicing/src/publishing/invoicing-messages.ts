// What the outbox relay publishes on billing.invoices.v1: each public domain event becomes its
// integration event of @billing/contracts, with the stored event's id (so a republish after a
// crash carries the same id); private events (payment methods, attempts started, provisional
// accounts) are not published.
import type { EventEnvelope, IntegrationEvent, InvoiceLine as ContractInvoiceLine, InvoicePaymentFailureReason } from '@billing/contracts';
import type { OutboxMessageMapper, StoredEvent } from '@billing/eventsourcing';
import type { CustomerAccountEvent } from '../domain/customer-account';
import type { InvoiceEvent, InvoiceLine, PaymentFailureReason } from '../domain/invoice';

export type InvoicingEvent = CustomerAccountEvent | InvoiceEvent;

/**
 * The contract has no reason for "the payment method named is not the customer's": it is
 * published as `noPaymentMethod` (not retryable: only the customer can fix it), which is what the
 * payer has to hear — the method he named does not exist for him.
 */
export function contractFailureReason(reason: PaymentFailureReason): InvoicePaymentFailureReason {
  return reason === 'paymentMethodNotFound' ? 'noPaymentMethod' : reason;
}

function contractLine(line: InvoiceLine): ContractInvoiceLine {
  const { description, planCode, serviceId, itemId, periodStart, periodEnd, quantity, unitPrice, amountWithoutTax, taxRate } = line;
  return {
    description,
    ...(planCode ? { planCode } : {}),
    ...(serviceId ? { serviceId } : {}),
    ...(itemId ? { itemId } : {}),
    ...(periodStart ? { periodStart } : {}),
    ...(periodEnd ? { periodEnd } : {}),
    quantity,
    unitPrice,
    amountWithoutTax,
    taxRate,
  };
}

/** The integration event of a domain event, or none for a private one. */
export function integrationEventOf(event: InvoicingEvent): IntegrationEvent | undefined {
  switch (event.type) {
    case 'CustomerAccountUpdated': {
      const { customerId, subsidiary, currency, name, email, country, vatNumber, defaultPaymentMethodId, updatedAt } = event.data;
      return {
        type: 'CustomerAccountUpdated',
        schemaVersion: 1,
        data: {
          customerId,
          subsidiary,
          currency,
          name,
          email,
          country,
          ...(vatNumber ? { vatNumber } : {}),
          ...(defaultPaymentMethodId ? { defaultPaymentMethodId } : {}),
          updatedAt,
        },
      };
    }
    case 'InvoiceIssued': {
      const invoice = event.data;
      const { name, postalAddress, country, vatNumber } = invoice.billedTo;
      return {
        type: 'InvoiceIssued',
        schemaVersion: 1,
        data: {
          invoiceId: invoice.invoiceId,
          number: invoice.number,
          series: invoice.series,
          sequence: invoice.sequence,
          customerId: invoice.customerId,
          subsidiary: invoice.subsidiary,
          currency: invoice.currency,
          category: invoice.category,
          source: invoice.source,
          billedTo: {
            name,
            ...(postalAddress ? { postalAddress: { lines: [...postalAddress.lines], ...(postalAddress.postalCode ? { postalCode: postalAddress.postalCode } : {}), city: postalAddress.city } } : {}),
            country,
            ...(vatNumber ? { vatNumber } : {}),
          },
          lines: invoice.lines.map(contractLine),
          taxes: invoice.taxes.map(({ rate, base, amount }) => ({ rate, base, amount })),
          reverseCharge: invoice.reverseCharge,
          totals: invoice.totals,
          issuedAt: invoice.issuedAt,
          dueDate: invoice.dueDate,
        },
      };
    }
    case 'PaymentSucceeded': {
      const { invoiceId, customerId, source, paymentId, amount, paymentMethodId, paidAt } = event.data;
      return { type: 'InvoicePaid', schemaVersion: 1, data: { invoiceId, customerId, source, paymentId, amount, paymentMethodId, paidAt } };
    }
    case 'PaymentFailed': {
      const { invoiceId, customerId, source, paymentId, attempt, amount, reason, retryable, failedAt } = event.data;
      return {
        type: 'InvoicePaymentFailed',
        schemaVersion: 1,
        data: { invoiceId, customerId, source, paymentId, attempt, amount, reason: contractFailureReason(reason), retryable, failedAt },
      };
    }
    case 'CreditNoteIssued': {
      const note = event.data;
      return {
        type: 'CreditNoteIssued',
        schemaVersion: 1,
        data: {
          creditNoteId: note.creditNoteId,
          number: note.number,
          series: note.series,
          sequence: note.sequence,
          invoiceId: note.invoiceId,
          customerId: note.customerId,
          subsidiary: note.subsidiary,
          currency: note.currency,
          reason: note.reason,
          lines: note.lines.map(contractLine),
          taxes: note.taxes.map(({ rate, base, amount }) => ({ rate, base, amount })),
          totals: note.totals,
          refunded: note.refunded,
          issuedAt: note.issuedAt,
        },
      };
    }
    case 'RefundSucceeded': {
      const { creditNoteId, invoiceId, customerId, amount, gatewayRefundId, refundedAt } = event.data;
      return { type: 'CreditNoteRefunded', schemaVersion: 1, data: { creditNoteId, invoiceId, customerId, amount, gatewayRefundId, refundedAt } };
    }
    case 'CustomerAccountOpenedProvisionally':
    case 'PaymentMethodRegistered':
    case 'PaymentAttemptStarted':
    case 'RefundFailed':
      // private: a refused refund is the operators' (logged, and kept in the store), not the other services'
      return undefined;
  }
}

export const invoicingMessages: OutboxMessageMapper = (stored: StoredEvent) => {
  const event = integrationEventOf({ type: stored.type, data: stored.data } as InvoicingEvent);
  if (!event) return [];
  const envelope: EventEnvelope = { eventId: stored.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: stored.metadata };
  return [envelope];
};
