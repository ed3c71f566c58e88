// How a reaction takes messages: in partition order for each partition key (the customer), the
// keys of a run side by side, each event's effect tied to its id in processed_events (see
// ReactionIdempotency for the guarantee of each mode).
import type { EventEnvelope } from '@billing/contracts';
import type { DataSource } from 'typeorm';
import type { DeliverableMessage, DeliveryOutcome, DeliveryTarget } from '../consuming/delivery-target';
import type { ConsumedEvent, MessagePosition } from '../events/event-message';
import { recordProcessedEvents, wasProcessed } from './processed-events';
import type { Reaction } from './reaction';

/** Partition keys a check-then-record reaction reacts to at once in a run (1: the messages one after the other). */
const defaultReactionLanes = 4;

/** Messages of a run per lane: enough to keep the lanes busy, few to replay when one fails. */
const MESSAGES_PER_LANE = 4;

type EventMessage<E extends EventEnvelope> = Extract<DeliverableMessage<E>, { kind: 'event' }>;

export class ReactionDelivery<E extends EventEnvelope> implements DeliveryTarget<E> {
  readonly maxMessagesPerApply: number;
  private readonly lanes: number;

  constructor(
    private readonly reaction: Reaction<E>,
    private readonly dataSource: DataSource,
    options: { lanes?: number } = {},
  ) {
    // a same-transaction reaction holds a pooled connection per lane for the whole of `react`:
    // one that also takes a second connection inside (an event store on the same pool) would
    // starve the pool with every lane waiting for one more. It gets lanes only by asking.
    const lanes = reaction.idempotency === 'check-then-record' ? (options.lanes ?? defaultReactionLanes) : 1;
    this.lanes = Math.max(1, reaction.lanes ?? lanes);
    this.maxMessagesPerApply = this.lanes === 1 ? 1 : this.lanes * MESSAGES_PER_LANE;
  }

  /**
   * Reacts to a run of one partition: the events of one partition key in their order, the keys
   * side by side, at most `lanes` at once. Every lane finishes before a failure is thrown, so
   * that the partition loop's one-by-one retry never overlaps a lane still running; the events
   * already handled come back to it as duplicates.
   */
  async apply(messages: readonly DeliverableMessage<E>[]): Promise<DeliveryOutcome> {
    const byKey = new Map<string, EventMessage<E>[]>();
    let skipped = 0;
    for (const message of messages) {
      if (message.kind === 'skipped') {
        skipped++;
        continue;
      }
      const key = message.event.metadata.partitionKey;
      const lane = byKey.get(key);
      if (lane) lane.push(message);
      else byKey.set(key, [message]);
    }
    let handled = 0;
    let duplicates = 0;
    const queue = [...byKey.values()];
    const failures: unknown[] = [];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        try {
          for (const message of lane) {
            if (await this.react(message.event)) handled++;
            else duplicates++;
          }
        } catch (error) {
          // the rest of this key waits for the retry, after the event that failed
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.lanes, queue.length) }, worker));
    if (failures.length > 0) throw failures[0];
    return { kind: 'applied', handled, skipped, duplicates };
  }

  async deadLetter(_position: MessagePosition, publish: () => Promise<void>): Promise<DeliveryOutcome> {
    await publish();
    return { kind: 'applied', handled: 0, skipped: 0, duplicates: 0 };
  }

  /** False when the event was handled before. */
  private async react(event: ConsumedEvent<E>): Promise<boolean> {
    const eventId = event.eventId.toLowerCase();
    if (this.reaction.idempotency === 'check-then-record') {
      if (await wasProcessed(this.dataSource.manager, this.reaction.name, eventId)) return false;
      await this.reaction.react(event, this.dataSource.manager);
      await recordProcessedEvents(this.dataSource.manager, this.reaction.name, [eventId]);
      return true;
    }
    return this.dataSource.transaction(async (manager) => {
      const fresh = await recordProcessedEvents(manager, this.reaction.name, [eventId]);
      if (fresh.size === 0) return false;
      await this.reaction.react(event, manager);
      return true;
    });
  }
}
