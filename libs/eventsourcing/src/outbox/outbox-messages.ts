// What the relay puts on Kafka: each stored event mapped to zero or more envelopes (a service
// publishes a stable subset of its domain events as integration events), keyed by partition key.
import { createHash } from 'node:crypto';
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

/**
 * A stable UUID for the n-th integration event derived from one stored event (UUID v5 layout
 * over SHA-1 of the source id and the discriminator): the same inputs give the same id.
 */
export function derivedEventId(sourceEventId: string, discriminator: string): string {
  const hash = createHash('sha1').update(`${sourceEventId.toLowerCase()}/${discriminator}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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
