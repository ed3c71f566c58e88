// What the outbox relay publishes on billing.services.v1: each stored event becomes its
// integration event of @billing/contracts under the stored event's id (a republish after a crash
// carries the same id). The termination request is the one that differs: the store holds the
// token's hash, the notification carries the token, derived here from the request id.
import type { EventEnvelope, IntegrationEvent } from '@billing/contracts';
import type { OutboxMessageMapper, StoredEvent } from '@billing/eventsourcing';
import { TerminationTokens } from '../commands/termination-tokens';
import type { ServiceEvent } from '../domain/service';

export function integrationEventOf(event: ServiceEvent, tokens: TerminationTokens): IntegrationEvent {
  switch (event.type) {
    case 'ServiceTerminationRequested': {
      const { serviceId, customerId, requestId, tokenExpiresAt, requestedAt } = event.data;
      return {
        type: 'ServiceTerminationRequested',
        schemaVersion: 1,
        data: { serviceId, customerId, token: tokens.tokenOf(serviceId, requestId), tokenExpiresAt, requestedAt },
      };
    }
    // The contract has no field for the proration yet: `unusedOldPlanCredit` and `newPlanCharge`
    // ride along as extra fields (consumers accept unknown fields), and the contract's own fields
    // (prices, term start, effective and expiration dates) give the same amounts with the
    // kernel's prorateChangeOfPlan.
    case 'ServicePlanChanged':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceActivated':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceImported':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceContractAccepted':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceRenewModeChanged':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceRenewPeriodChanged':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceExpirationExtended':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceTerminationConfirmed':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceTerminationCancelled':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceMarkedUnpaid':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceSuspended':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceReopened':
      return { type: event.type, schemaVersion: 1, data: event.data };
    case 'ServiceTerminated':
      return { type: event.type, schemaVersion: 1, data: event.data };
  }
}

export function serviceMessages(tokens: TerminationTokens): OutboxMessageMapper {
  return (stored: StoredEvent) => {
    const event = integrationEventOf({ type: stored.type, data: stored.data } as ServiceEvent, tokens);
    const envelope: EventEnvelope = { eventId: stored.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: stored.metadata };
    return [envelope];
  };
}
