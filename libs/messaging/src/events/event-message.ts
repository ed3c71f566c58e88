// An event as a Kafka message: value = the JSON envelope, key = the partition key (customer id),
// headers = what a consumer needs to route, deduplicate and trace without parsing the value.
import { eventHeaders, type EventEnvelope } from '@billing/contracts';
import type { IHeaders, Message } from 'kafkajs';

/** Where a message sits in the log. Offsets are int64 decimal strings, as kafkajs gives them. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** An event as a handler receives it: the decoded envelope and where it was read. */
export type ConsumedEvent<E extends EventEnvelope = EventEnvelope> = E & { readonly position: MessagePosition };

export function eventMessage(event: EventEnvelope): Message {
  const headers: IHeaders = {
    [eventHeaders.eventType]: event.type,
    [eventHeaders.schemaVersion]: String(event.schemaVersion),
    [eventHeaders.eventId]: event.eventId,
    [eventHeaders.correlationId]: event.metadata.correlationId,
  };
  if (event.metadata.causationId) headers[eventHeaders.causationId] = event.metadata.causationId;
  if (event.metadata.traceparent) headers[eventHeaders.traceparent] = event.metadata.traceparent;
  if (event.metadata.tracestate) headers[eventHeaders.tracestate] = event.metadata.tracestate;
  return { key: event.metadata.partitionKey, value: JSON.stringify(event), headers };
}

/** A header as text (kafkajs hands them over as Buffers). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
