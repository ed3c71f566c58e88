// Every integration event by type, with its version, topic and schema; parsing of incoming data
// into typed events, with typed rejections that list the failing fields.
import type { z } from 'zod';
import { anyEventEnvelopeSchema, type EventEnvelope } from './envelope';
import { invoiceEvents } from './events/invoices';
import { orderEvents } from './events/orders';
import { renewalEvents } from './events/renewals';
import { serviceEvents } from './events/services';
import { topics, type PublicTopic } from './topics';

/** Every event version of every topic, in topic order, then lifecycle order. */
export const integrationEventList = [...orderEvents, ...serviceEvents, ...renewalEvents, ...invoiceEvents] as const;

type Definition = (typeof integrationEventList)[number];

export type IntegrationEventType = Definition['type'];

export type IntegrationEventDefinitionOf<T extends IntegrationEventType> = Extract<Definition, { type: T }>;

/** The `data` of an event type, as parsed (`IntegrationEventData<'OrderPlaced'>` is `OrderPlaced`). */
export type IntegrationEventData<T extends IntegrationEventType> = z.output<IntegrationEventDefinitionOf<T>['schema']>;

/** An event as data, discriminated on `type`: narrow with `switch (event.type)`. */
export type IntegrationEvent<T extends IntegrationEventType = IntegrationEventType> = {
  [K in T]: {
    type: K;
    schemaVersion: IntegrationEventDefinitionOf<K>['schemaVersion'];
    data: IntegrationEventData<K>;
  };
}[T];

/** An event with its envelope (event id and metadata), as it travels on its topic. */
export type IntegrationEventEnvelope<T extends IntegrationEventType = IntegrationEventType> = {
  [K in T]: EventEnvelope<K, IntegrationEventData<K>> & {
    schemaVersion: IntegrationEventDefinitionOf<K>['schemaVersion'];
  };
}[T];

export type TopicEventType<Topic extends PublicTopic> = Extract<Definition, { topic: Topic }>['type'];

/** The discriminated union of the events a topic carries. */
export type TopicEvent<Topic extends PublicTopic> = IntegrationEvent<TopicEventType<Topic>>;

export type OrdersTopicEvent = TopicEvent<typeof topics.orders>;
export type ServicesTopicEvent = TopicEvent<typeof topics.services>;
export type RenewalsTopicEvent = TopicEvent<typeof topics.renewals>;
export type InvoicesTopicEvent = TopicEvent<typeof topics.invoices>;

/** Every event type's current definition: `integrationEvents.OrderPlaced.schema`, `.topic`, … */
export const integrationEvents = Object.fromEntries(
  integrationEventList.map((definition) => [definition.type, definition]),
) as { readonly [D in Definition as D['type']]: D };

export function isIntegrationEventType(type: string): type is IntegrationEventType {
  return Object.prototype.hasOwnProperty.call(integrationEvents, type);
}

/** The definitions of the events a topic carries, in lifecycle order. */
export function integrationEventsOf<Topic extends PublicTopic>(
  topic: Topic,
): readonly Extract<Definition, { topic: Topic }>[] {
  return integrationEventList.filter(
    (definition): definition is Extract<Definition, { topic: Topic }> => definition.topic === topic,
  );
}

/** The topic an event type is published on. */
export function topicOf(type: IntegrationEventType): PublicTopic {
  return integrationEvents[type].topic;
}

/** The Kafka message key of an event: its customer, so a customer's events stay in order. */
export function partitionKeyOf(event: { data: { customerId: string } }): string {
  return event.data.customerId;
}

// ── parsing ──────────────────────────────────────────────────────────────────────────────────

/**
 * Why a message was rejected. A consumer skips `UNKNOWN_EVENT_TYPE` (a type added to the topic
 * after it was built: forward compatibility) and dead-letters the others.
 */
export type IntegrationEventRejection =
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'WRONG_TOPIC'
  | 'INVALID_ENVELOPE'
  | 'INVALID_DATA';

export interface InvalidField {
  /** Where, from the validated value: `items[0].unitPrice.value`; empty for the value itself. */
  path: string;
  /** zod's issue code: `invalid_type`, `invalid_format`, `too_small`, `custom`, … */
  code: string;
  message: string;
}

/** A rejected event. Plain data to report (dead-letter headers, logs); also throwable. */
export class IntegrationEventValidationError extends Error {
  override readonly name = 'IntegrationEventValidationError';

  constructor(
    readonly reason: IntegrationEventRejection,
    readonly type: string,
    readonly schemaVersion: number | undefined,
    readonly fields: readonly InvalidField[],
    message: string,
  ) {
    super(message);
  }
}

export type IntegrationEventParseResult<Event> =
  | { success: true; event: Event }
  | { success: false; error: IntegrationEventValidationError };

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

function invalidFields(error: z.ZodError, prefix: readonly PropertyKey[] = []): InvalidField[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    code: issue.code,
    message: issue.message,
  }));
}

function describeFields(fields: readonly InvalidField[]): string {
  return fields.map((field) => `${field.path || '(value)'}: ${field.message}`).join('; ');
}

type Lookup =
  | { found: true; definition: Definition }
  | { found: false; error: IntegrationEventValidationError };

function lookUp(type: string, schemaVersion: number): Lookup {
  if (!isIntegrationEventType(type)) {
    return {
      found: false,
      error: new IntegrationEventValidationError('UNKNOWN_EVENT_TYPE', type, schemaVersion, [], `unknown event type ${type}`),
    };
  }
  const definition = integrationEventList.find((candidate) => candidate.type === type && candidate.schemaVersion === schemaVersion);
  if (!definition) {
    return {
      found: false,
      error: new IntegrationEventValidationError(
        'UNSUPPORTED_SCHEMA_VERSION',
        type,
        schemaVersion,
        [],
        `${type} has no schema version ${schemaVersion} (known: ${integrationEventList
          .filter((candidate) => candidate.type === type)
          .map((candidate) => candidate.schemaVersion)
          .join(', ')})`,
      ),
    };
  }
  return { found: true, definition };
}

/**
 * Validates the `data` of an event of `type` and `schemaVersion`. Unknown fields are accepted and
 * dropped (a producer may add optional fields to a `.v1` event before its consumers know them).
 */
export function parseIntegrationEvent<T extends IntegrationEventType>(
  type: T,
  schemaVersion: number,
  data: unknown,
): IntegrationEventParseResult<IntegrationEvent<T>>;
export function parseIntegrationEvent(
  type: string,
  schemaVersion: number,
  data: unknown,
): IntegrationEventParseResult<IntegrationEvent>;
export function parseIntegrationEvent(
  type: string,
  schemaVersion: number,
  data: unknown,
): IntegrationEventParseResult<IntegrationEvent> {
  const lookup = lookUp(type, schemaVersion);
  if (!lookup.found) return { success: false, error: lookup.error };
  const parsed = (lookup.definition.schema as z.ZodType).safeParse(data);
  if (!parsed.success) {
    const fields = invalidFields(parsed.error);
    return {
      success: false,
      error: new IntegrationEventValidationError(
        'INVALID_DATA',
        type,
        schemaVersion,
        fields,
        `invalid ${type} v${schemaVersion}: ${describeFields(fields)}`,
      ),
    };
  }
  return { success: true, event: { type, schemaVersion, data: parsed.data } as IntegrationEvent };
}

/**
 * Validates a whole message value: the envelope, then the data of its type and version, and that
 * the partition key is the event's customer. With `topic`, also that the type belongs there.
 */
export function parseIntegrationEventEnvelope(
  value: unknown,
  options: { topic?: string } = {},
): IntegrationEventParseResult<IntegrationEventEnvelope> {
  const envelope = anyEventEnvelopeSchema.safeParse(value);
  if (!envelope.success) {
    const fields = invalidFields(envelope.error);
    const raw = (typeof value === 'object' && value !== null ? value : {}) as { type?: unknown; schemaVersion?: unknown };
    return {
      success: false,
      error: new IntegrationEventValidationError(
        'INVALID_ENVELOPE',
        typeof raw.type === 'string' ? raw.type : '',
        typeof raw.schemaVersion === 'number' ? raw.schemaVersion : undefined,
        fields,
        `invalid event envelope: ${describeFields(fields)}`,
      ),
    };
  }
  const { eventId, type, schemaVersion, data, metadata } = envelope.data;
  const lookup = lookUp(type, schemaVersion);
  if (!lookup.found) return { success: false, error: lookup.error };
  if (options.topic !== undefined && lookup.definition.topic !== options.topic) {
    return {
      success: false,
      error: new IntegrationEventValidationError(
        'WRONG_TOPIC',
        type,
        schemaVersion,
        [],
        `${type} is published on ${lookup.definition.topic}, not on ${options.topic}`,
      ),
    };
  }
  const parsed = (lookup.definition.schema as z.ZodType<{ customerId: string }>).safeParse(data);
  if (!parsed.success) {
    const fields = invalidFields(parsed.error, ['data']);
    return {
      success: false,
      error: new IntegrationEventValidationError(
        'INVALID_DATA',
        type,
        schemaVersion,
        fields,
        `invalid ${type} v${schemaVersion}: ${describeFields(fields)}`,
      ),
    };
  }
  if (metadata.partitionKey !== parsed.data.customerId) {
    const fields = [
      {
        path: 'metadata.partitionKey',
        code: 'custom',
        message: `partition key ${metadata.partitionKey} is not the event's customer ${parsed.data.customerId}`,
      },
    ];
    return {
      success: false,
      error: new IntegrationEventValidationError('INVALID_ENVELOPE', type, schemaVersion, fields, describeFields(fields)),
    };
  }
  return {
    success: true,
    event: { eventId, type, schemaVersion, data: parsed.data, metadata } as IntegrationEventEnvelope,
  };
}
