// The shape of every event on the wire: the same envelope for every topic, so a consumer can
// route, deduplicate and trace a message before it knows the event's own schema.
import { z } from 'zod';
import { contractSchemaRegistry, instantSchema, uuidSchema } from './vocabulary';

export interface EventMetadata {
  /** The request or flow this event belongs to, carried unchanged from event to event. */
  correlationId: string;
  /** The id of the command or event that caused this one. */
  causationId?: string;
  /** When the fact happened, as an ISO-8601 instant from the producing service's clock. */
  occurredAt: string;
  /** The Kafka message key: the customer id, so a customer's events stay ordered. */
  partitionKey: string;
  /** W3C trace context, when tracing is on. */
  traceparent?: string;
  tracestate?: string;
}

export interface EventEnvelope<Type extends string = string, Data = unknown> {
  /** UUID; appending or consuming the same id twice has the effect of once. */
  eventId: string;
  /** Past tense, context-qualified: `InvoiceIssued`. */
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

/** Kafka header names carried by every published event (values are UTF-8 strings). */
export const eventHeaders = {
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Headers added to a dead-lettered message, next to its original headers. */
export const deadLetterHeaders = {
  originTopic: 'dlt-origin-topic',
  originPartition: 'dlt-origin-partition',
  originOffset: 'dlt-origin-offset',
  error: 'dlt-error',
  attempts: 'dlt-attempts',
  consumerGroup: 'dlt-consumer-group',
  failedAt: 'dlt-failed-at',
} as const;

/** The wire form of {@link EventMetadata}; unknown keys are accepted and dropped (forward compatible). */
export const eventMetadataSchema = z.object({
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  occurredAt: instantSchema,
  partitionKey: z.string().min(1),
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/).optional(),
  tracestate: z.string().optional(),
});
contractSchemaRegistry.add(eventMetadataSchema, {
  id: 'EventMetadata',
  description:
    'Where an event comes from: correlation and causation ids, when it happened, its partition key (the customer id) and the W3C trace context.',
});

/** The envelope of one event type and version, with its `data` schema: what a message value holds. */
export function eventEnvelopeSchema<Type extends string, Version extends number, Data extends z.ZodType>(
  type: Type,
  schemaVersion: Version,
  data: Data,
) {
  return z.object({
    eventId: uuidSchema,
    type: z.literal(type),
    schemaVersion: z.literal(schemaVersion),
    data,
    metadata: eventMetadataSchema,
  });
}

/** Any envelope, before its type is known: what a consumer checks first. */
export const anyEventEnvelopeSchema = z.object({
  eventId: uuidSchema,
  type: z.string().min(1),
  schemaVersion: z.int().positive(),
  data: z.unknown(),
  metadata: eventMetadataSchema,
});

/** The Kafka header values of an envelope, as the outbox relay sets them (absent ones left out). */
export function eventHeadersOf(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [eventHeaders.eventType]: envelope.type,
    [eventHeaders.schemaVersion]: String(envelope.schemaVersion),
    [eventHeaders.eventId]: envelope.eventId,
    [eventHeaders.correlationId]: envelope.metadata.correlationId,
  };
  const { causationId, traceparent, tracestate } = envelope.metadata;
  if (causationId !== undefined) headers[eventHeaders.causationId] = causationId;
  if (traceparent !== undefined) headers[eventHeaders.traceparent] = traceparent;
  if (tracestate !== undefined) headers[eventHeaders.tracestate] = tracestate;
  return headers;
}

/** The headers of one event type and version, as a schema (documents, and checks of incoming headers). */
export function eventHeadersSchema(type: string, schemaVersion: number) {
  return z.object({
    [eventHeaders.eventType]: z.literal(type),
    [eventHeaders.schemaVersion]: z.literal(String(schemaVersion)),
    [eventHeaders.eventId]: uuidSchema,
    [eventHeaders.correlationId]: z.string().min(1),
    [eventHeaders.causationId]: z.string().min(1).optional(),
    [eventHeaders.traceparent]: eventMetadataSchema.shape.traceparent,
    [eventHeaders.tracestate]: eventMetadataSchema.shape.tracestate,
  });
}
