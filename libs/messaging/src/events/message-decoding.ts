// From bytes to a handler-ready event, in the order that tells poison apart from noise:
// JSON → envelope → known type → schema of that version. A type the contract knows but the
// handler does not handle is skipped; anything that cannot become a valid event is poison,
// and retrying cannot change bytes, so poison goes to the dead-letter topic at once.
import { eventHeaders, type EventEnvelope } from '@billing/contracts';
import type { IHeaders } from 'kafkajs';
import { z } from 'zod';
import { headerText, type ConsumedEvent, type MessagePosition } from './event-message';
import type { EventRegistry } from './event-registry';

export type PoisonReason =
  | 'malformed-json'
  | 'invalid-envelope'
  | 'unknown-event-type'
  | 'unknown-schema-version'
  | 'schema-violation';

/** Which events a handler reads: the contract it decodes, and the subset it acts on. */
export interface EventSelection<E extends EventEnvelope = EventEnvelope> {
  /** Every event type (and version) that may appear on the subscribed topics. */
  readonly events: EventRegistry<E>;
  /**
   * The types the handler acts on; the registry's other types are skipped without validating
   * their data. Defaults to every type of the registry.
   */
  readonly handles?: readonly E['type'][];
  /**
   * False for a handled type's event that is none of the handler's business (see Reaction). The
   * decoder asks it before validating the event's data, so that what the handler passes by costs
   * no validation: it then reads data not validated yet, and a throw counts as true (the data is
   * validated, and poison dead-lettered). Delivery asks again of the validated event.
   */
  concerns?(event: ConsumedEvent<E>): boolean;
}

export type DecodedMessage<E extends EventEnvelope = EventEnvelope> =
  | { readonly kind: 'event'; readonly position: MessagePosition; readonly event: ConsumedEvent<E> }
  | { readonly kind: 'skipped'; readonly position: MessagePosition; readonly type: string }
  | { readonly kind: 'poison'; readonly position: MessagePosition; readonly reason: PoisonReason; readonly error: string };

export const envelopeSchema = z.looseObject({
  eventId: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.int().positive(),
  data: z.unknown(),
  metadata: z.looseObject({
    correlationId: z.string(),
    causationId: z.string().optional(),
    occurredAt: z.string(),
    partitionKey: z.string().min(1),
    traceparent: z.string().optional(),
    tracestate: z.string().optional(),
  }),
});

const uuidPattern = z.regexes.uuid();
const optionalText = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * What envelopeSchema accepts, checked by hand: every consumer reads every message of its topics,
 * and the schema's parse cost more than the JSON's. An envelope this refuses goes through the
 * schema, which says what is wrong.
 */
export function isEnvelope(json: unknown): json is EventEnvelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const { eventId, type, schemaVersion, metadata } = json as Record<string, unknown>;
  if (typeof eventId !== 'string' || !uuidPattern.test(eventId)) return false;
  if (typeof type !== 'string' || type.length === 0) return false;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion <= 0) return false;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return false;
  const { correlationId, causationId, occurredAt, partitionKey, traceparent, tracestate } = metadata as Record<string, unknown>;
  return (
    typeof correlationId === 'string' &&
    typeof occurredAt === 'string' &&
    typeof partitionKey === 'string' &&
    partitionKey.length > 0 &&
    optionalText(causationId) &&
    optionalText(traceparent) &&
    optionalText(tracestate)
  );
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export class MessageDecoder<E extends EventEnvelope = EventEnvelope> {
  private readonly handled: ReadonlySet<string>;

  constructor(private readonly selection: EventSelection<E>) {
    const handles = selection.handles ?? selection.events.types;
    const unknown = handles.filter((type) => !selection.events.knows(type));
    if (unknown.length > 0) throw new Error(`handled event types missing from the registry: ${unknown.join(', ')}`);
    this.handled = new Set(handles);
  }

  /**
   * `headers`, when given, are the message's: a message whose event-type header names a type of
   * the contract that this handler does not act on is skipped unread. Its bytes are some other
   * handler's business, and that handler dead-letters them if they are poison. Our relays write
   * the header from the envelope they publish; a message without it is read in full.
   */
  decode(value: Buffer | null, position: MessagePosition, headers?: IHeaders): DecodedMessage<E> {
    const poison = (reason: PoisonReason, error: string): DecodedMessage<E> => ({ kind: 'poison', position, reason, error });

    const headerType = headerText(headers, eventHeaders.eventType);
    if (headerType !== undefined && !this.handled.has(headerType) && this.selection.events.knows(headerType)) {
      return { kind: 'skipped', position, type: headerType };
    }

    if (value === null || value.length === 0) return poison('malformed-json', 'the message has no value');
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch (error) {
      return poison('malformed-json', (error as Error).message);
    }

    let envelope: EventEnvelope;
    if (isEnvelope(json)) envelope = json;
    else {
      const parsed = envelopeSchema.safeParse(json);
      if (!parsed.success) return poison('invalid-envelope', describeIssues(parsed.error));
      envelope = parsed.data as EventEnvelope;
    }
    const { type, schemaVersion } = envelope;

    if (!this.selection.events.knows(type)) return poison('unknown-event-type', `unknown event type ${type}`);
    if (!this.handled.has(type)) return { kind: 'skipped', position, type };

    if (this.selection.concerns && !this.mayConcern(envelope, position)) return { kind: 'skipped', position, type };

    const schema = this.selection.events.schemaOf(type, schemaVersion);
    if (!schema) return poison('unknown-schema-version', `unknown schema version ${type} v${schemaVersion}`);
    const data = schema.safeParse(envelope.data);
    if (!data.success) return poison('schema-violation', `${type} v${schemaVersion}: ${describeIssues(data.error)}`);

    const event = { ...envelope, data: data.data, position } as unknown as ConsumedEvent<E>;
    return { kind: 'event', position, event };
  }

  /** The handler's `concerns`, asked of an event whose data is not validated yet. */
  private mayConcern(envelope: EventEnvelope, position: MessagePosition): boolean {
    try {
      return this.selection.concerns?.({ ...envelope, position } as unknown as ConsumedEvent<E>) !== false;
    } catch {
      return true;
    }
  }
}
