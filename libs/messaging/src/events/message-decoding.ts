// From bytes to a handler-ready event, in the order that tells poison apart from noise:
// JSON → envelope → known type → schema of that version. A type the contract knows but the
// handler does not handle is skipped; anything that cannot become a valid event is poison,
// and retrying cannot change bytes, so poison goes to the dead-letter topic at once.
import type { EventEnvelope } from '@billing/contracts';
import { z } from 'zod';
import type { ConsumedEvent, MessagePosition } from './event-message';
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
}

export type DecodedMessage<E extends EventEnvelope = EventEnvelope> =
  | { readonly kind: 'event'; readonly position: MessagePosition; readonly event: ConsumedEvent<E> }
  | { readonly kind: 'skipped'; readonly position: MessagePosition; readonly type: string }
  | { readonly kind: 'poison'; readonly position: MessagePosition; readonly reason: PoisonReason; readonly error: string };

const envelopeSchema = z.looseObject({
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

  decode(value: Buffer | null, position: MessagePosition): DecodedMessage<E> {
    const poison = (reason: PoisonReason, error: string): DecodedMessage<E> => ({ kind: 'poison', position, reason, error });

    if (value === null || value.length === 0) return poison('malformed-json', 'the message has no value');
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch (error) {
      return poison('malformed-json', (error as Error).message);
    }

    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return poison('invalid-envelope', describeIssues(envelope.error));
    const { type, schemaVersion } = envelope.data;

    if (!this.selection.events.knows(type)) return poison('unknown-event-type', `unknown event type ${type}`);
    if (!this.handled.has(type)) return { kind: 'skipped', position, type };

    const schema = this.selection.events.schemaOf(type, schemaVersion);
    if (!schema) return poison('unknown-schema-version', `unknown schema version ${type} v${schemaVersion}`);
    const data = schema.safeParse(envelope.data.data);
    if (!data.success) return poison('schema-violation', `${type} v${schemaVersion}: ${describeIssues(data.error)}`);

    const event = { ...envelope.data, data: data.data, position } as unknown as ConsumedEvent<E>;
    return { kind: 'event', position, event };
  }
}
