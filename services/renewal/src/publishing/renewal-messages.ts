// What the outbox relay publishes on billing.renewals.v1. Public term events and the account's
// settings go out as stored (their data is the contract's), with the stored event's id. A term
// that ends unrenewed (deleteAtExpiration, confirmed termination, legacy contract not accepted)
// is published as RenewalGracePeriodEnded without an invoice: the contract's fact on which
// subscription terminates a service (see README). Bookkeeping events stay private.
import type { EventEnvelope, IntegrationEvent } from '@billing/contracts';
import type { OutboxMessageMapper, StoredEvent } from '@billing/eventsourcing';
import type { AutorenewSettingsChangedEvent } from '../domain/autorenew-settings';
import type { RenewalTermEvent } from '../domain/renewal-term';

export type RenewalServiceEvent = RenewalTermEvent | AutorenewSettingsChangedEvent;

/** The integration event of a domain event, or undefined for a private one. */
export function integrationEventOf(event: RenewalServiceEvent): IntegrationEvent | undefined {
  switch (event.type) {
    case 'RenewalReminderSent':
    case 'RenewalInvoiceRequested':
    case 'RenewalSucceeded':
    case 'RenewalPaymentRetryScheduled':
    case 'RenewalLapsed':
    case 'RenewalPaymentDeadlinePassed':
    case 'RenewalGracePeriodEnded':
    case 'AutorenewSettingsChanged':
      return { type: event.type, schemaVersion: 1, data: event.data } as IntegrationEvent;
    case 'RenewalTermExpired': {
      const { renewalTermId, serviceId, customerId, invoiceId, expirationDate, expiredAt } = event.data;
      return {
        type: 'RenewalGracePeriodEnded',
        schemaVersion: 1,
        data: { renewalTermId, serviceId, customerId, ...(invoiceId ? { invoiceId } : {}), expirationDate, endedAt: expiredAt },
      };
    }
    case 'RenewalInvoiceIssued':
    case 'RenewalPaymentFailed':
    case 'RenewalTermCancelled':
      return undefined;
  }
}

export const renewalMessages: OutboxMessageMapper = (stored: StoredEvent) => {
  const event = integrationEventOf({ type: stored.type, data: stored.data } as RenewalServiceEvent);
  if (!event) return [];
  const envelope: EventEnvelope = { eventId: stored.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: stored.metadata };
  return [envelope];
};
