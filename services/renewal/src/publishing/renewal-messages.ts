// What the outbox relay publishes on billing.renewals.v1. Public term events and the account's
// settings go out as stored (their data is the contract's), with the stored event's id. A term
// that ends unrenewed (deleteAtExpiration, confirmed termination, legacy contract not accepted)
// is published as RenewalGracePeriodEnded: the contract's fact on which subscription terminates a
// service (see README). A term invoiced and then stopped before its expiration — it ends
// unrenewed, or its service is terminated — is published as RenewalCancelled too (after the
// RenewalGracePeriodEnded of an unrenewed one, with an id derived from the stored one), on which
// invoicing credits the term's line. Bookkeeping events stay private.
import type { EventEnvelope, IntegrationEvent } from '@billing/contracts';
import { derivedEventId, type OutboxMessageMapper, type StoredEvent } from '@billing/eventsourcing';
import type { AutorenewSettingsChangedEvent } from '../domain/autorenew-settings';
import type { RenewalTermEvent } from '../domain/renewal-term';

export type RenewalServiceEvent = RenewalTermEvent | AutorenewSettingsChangedEvent;

/** The integration events of a domain event, in order: none for a private one. */
export function publishedEventsOf(event: RenewalServiceEvent): IntegrationEvent[] {
  switch (event.type) {
    case 'RenewalReminderSent':
    case 'RenewalInvoiceRequested':
    case 'RenewalSucceeded':
    case 'RenewalPaymentRetryScheduled':
    case 'RenewalLapsed':
    case 'RenewalPaymentDeadlinePassed':
    case 'RenewalGracePeriodEnded':
    case 'AutorenewSettingsChanged':
      return [{ type: event.type, schemaVersion: 1, data: event.data } as IntegrationEvent];
    case 'RenewalTermExpired': {
      const { renewalTermId, serviceId, customerId, invoiceId, expirationDate, expiredAt } = event.data;
      const ended: IntegrationEvent = {
        type: 'RenewalGracePeriodEnded',
        schemaVersion: 1,
        data: { renewalTermId, serviceId, customerId, ...(invoiceId ? { invoiceId } : {}), expirationDate, endedAt: expiredAt },
      };
      if (!invoiceId) return [ended];
      return [ended, { type: 'RenewalCancelled', schemaVersion: 1, data: { renewalTermId, serviceId, customerId, invoiceId, expirationDate, reason: 'notRenewed', cancelledAt: expiredAt } }];
    }
    case 'RenewalTermCancelled': {
      // an expiration moved only ever drops a term not invoiced yet
      const { renewalTermId, serviceId, customerId, invoiceId, expirationDate, reason, cancelledAt } = event.data;
      if (!invoiceId || reason !== 'serviceTerminated') return [];
      return [{ type: 'RenewalCancelled', schemaVersion: 1, data: { renewalTermId, serviceId, customerId, invoiceId, expirationDate, reason, cancelledAt } }];
    }
    case 'RenewalInvoiceIssued':
    case 'RenewalPaymentFailed':
      return [];
  }
}

export const renewalMessages: OutboxMessageMapper = (stored: StoredEvent) =>
  publishedEventsOf({ type: stored.type, data: stored.data } as RenewalServiceEvent).map((event, index): EventEnvelope => ({
    // the first message of a stored event carries its id; another is a fact of its own
    eventId: index === 0 ? stored.eventId : derivedEventId(stored.eventId, event.type),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: stored.metadata,
  }));
