// The events of billing.renewals.v1 as invoicing decodes them: all of the topic's types, so the
// ones invoicing ignores are skipped, not dead-lettered.
import { integrationEvents } from '@billing/contracts';
import { defineEvent, EventRegistry } from '@billing/messaging';

export const renewalsTopicEvents = EventRegistry.of(
  defineEvent('RenewalReminderSent', 1, integrationEvents.RenewalReminderSent.schema),
  defineEvent('RenewalInvoiceRequested', 1, integrationEvents.RenewalInvoiceRequested.schema),
  defineEvent('RenewalSucceeded', 1, integrationEvents.RenewalSucceeded.schema),
  defineEvent('RenewalPaymentRetryScheduled', 1, integrationEvents.RenewalPaymentRetryScheduled.schema),
  defineEvent('RenewalLapsed', 1, integrationEvents.RenewalLapsed.schema),
  defineEvent('RenewalPaymentDeadlinePassed', 1, integrationEvents.RenewalPaymentDeadlinePassed.schema),
  defineEvent('RenewalGracePeriodEnded', 1, integrationEvents.RenewalGracePeriodEnded.schema),
  defineEvent('RenewalCancelled', 1, integrationEvents.RenewalCancelled.schema),
  defineEvent('AutorenewSettingsChanged', 1, integrationEvents.AutorenewSettingsChanged.schema),
);

export type RenewalsTopicEnvelope = typeof renewalsTopicEvents extends EventRegistry<infer E> ? E : never;
