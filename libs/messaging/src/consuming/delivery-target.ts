// The contract between the partition loop (fetch, retry, dead-letter, commit) and what a
// consumer does with the messages (a projection's transaction, a reaction's commands).
import type { EventEnvelope } from '@billing/contracts';
import type { MessagePosition } from '../events/event-message';
import type { DecodedMessage } from '../events/message-decoding';

/** A message that decoded: an event to handle or a known type to skip. */
export type DeliverableMessage<E extends EventEnvelope = EventEnvelope> = Exclude<DecodedMessage<E>, { kind: 'poison' }>;

export type DeliveryOutcome =
  | { readonly kind: 'applied'; readonly handled: number; readonly skipped: number; readonly duplicates: number }
  /** The stored position is elsewhere than the fetched batch: read from `offset` instead. */
  | { readonly kind: 'seek'; readonly offset: string };

export interface DeliveryContext {
  /**
   * The stored offset this partition was already sent to since it was assigned. When the log
   * still does not start there (retention deleted messages, or the offset is past the end),
   * the target carries on from where it does instead of sending it there again.
   */
  readonly soughtTo?: string;
}

export interface DeliveryTarget<E extends EventEnvelope = EventEnvelope> {
  /** How many consecutive messages one `apply` may take. */
  readonly maxMessagesPerApply: number;
  /**
   * Applies consecutive messages of one partition, all or none (or idempotently each), or
   * answers where the partition should be read from instead.
   */
  apply(messages: readonly DeliverableMessage<E>[], context: DeliveryContext): Promise<DeliveryOutcome>;
  /**
   * Runs `publish` for a message that is going to the dead-letter topic, unless its position
   * shows it was passed already, and records that the consumer moved past it.
   */
  deadLetter(position: MessagePosition, publish: () => Promise<void>, context: DeliveryContext): Promise<DeliveryOutcome>;
}
