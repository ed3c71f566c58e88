// What the relay puts on Kafka: each stored event mapped to zero or more envelopes (a service
// publishes a stable subset of its domain events as integration events), keyed by partition key.
import { eventHeaders, type EventEnvelope } from '@billing/contracts';
import type { Message } from 'kafkajs';
import type { StoredEvent } from '../event-store/event-store';

/**
 * Maps a stored domain event to the envelopes to publish (none for a private event). The ids
 * must be deterministic (reuse the stored event's id, or `derivedEventId`): after a crash the
 * relay publishes again, and consumers recognise the repeat by id.
 */
export type OutboxMessageMapper = (event: StoredEvent) => readonly EventEnvelope[];

/** The wire envelope of a stored event, without its storage coordinates. */
export function envelopeOf(event: StoredEvent): EventEnvelope {
  return { eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata };
}

/** The default mapping: every domain event is published as it is stored. */
export const publishAsStored: OutboxMessageMapper = (event) => [envelopeOf(event)];

export function kafkaMessageOf(envelope: EventEnvelope): Message {
  const { metadata } = envelope;
  const headers: Record<string, string> = {
    [eventHeaders.eventType]: envelope.type,
    [eventHeaders.schemaVersion]: String(envelope.schemaVersion),
    [eventHeaders.eventId]: envelope.eventId,
    [eventHeaders.correlationId]: metadata.correlationId,
  };
  if (metadata.causationId) headers[eventHeaders.causationId] = metadata.causationId;
  if (metadata.traceparent) headers[eventHeaders.traceparent] = metadata.traceparent;
  if (metadata.tracestate) headers[eventHeaders.tracestate] = metadata.tracestate;
  return { key: metadata.partitionKey, value: JSON.stringify(envelope), headers };
}
