// The events of billing.invoices.v1 as the bills projection decodes them (the contract's schemas).
import { integrationEvents } from '@billing/contracts';
import { defineEvent, EventRegistry } from '@billing/messaging';

export const invoicesTopicEvents = EventRegistry.of(
  defineEvent('CustomerAccountUpdated', 1, integrationEvents.CustomerAccountUpdated.schema),
  defineEvent('InvoiceIssued', 1, integrationEvents.InvoiceIssued.schema),
  defineEvent('InvoicePaid', 1, integrationEvents.InvoicePaid.schema),
  defineEvent('InvoicePaymentFailed', 1, integrationEvents.InvoicePaymentFailed.schema),
  defineEvent('CreditNoteIssued', 1, integrationEvents.CreditNoteIssued.schema),
  defineEvent('CreditNoteRefunded', 1, integrationEvents.CreditNoteRefunded.schema),
);

export type InvoicesTopicEnvelope = typeof invoicesTopicEvents extends EventRegistry<infer E> ? E : never;
