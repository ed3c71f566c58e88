// The metadata every invoicing event carries: the customer as partition key, and the cause when a
// command comes from another service's event (correlation and trace carried on).
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventMetadata } from '@billing/contracts';

export function eventMetadata(customerId: string, occurredAt: string, cause?: EventEnvelope): EventMetadata {
  return {
    correlationId: cause?.metadata.correlationId ?? randomUUID(),
    ...(cause ? { causationId: cause.eventId } : {}),
    occurredAt,
    partitionKey: customerId,
    ...(cause?.metadata.traceparent ? { traceparent: cause.metadata.traceparent } : {}),
    ...(cause?.metadata.tracestate ? { tracestate: cause.metadata.tracestate } : {}),
  };
}
