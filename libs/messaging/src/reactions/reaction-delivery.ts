// How a reaction takes messages: in partition order for each partition key (the customer), the
// keys of a run side by side, each event's effect tied to its id in processed_events (see
// ReactionIdempotency for the guarantee of each mode). The bookkeeping is per run, not per event:
// one look at processed_events before and one record after for check-then-record; one
// transaction per lane for same-transaction. A reaction with `reactToRun` gets the fresh events at
// once (the whole run for check-then-record, the lane's for same-transaction) and keeps each key's
// order itself.
import type { EventEnvelope } from '@billing/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliverableMessage, DeliveryOutcome, DeliveryTarget } from '../consuming/delivery-target';
import type { ConsumedEvent, MessagePosition } from '../events/event-message';
import { processedAmong, recordProcessedEvents } from './processed-events';
import type { Reaction } from './reaction';

/** Partition keys a check-then-record reaction reacts to at once in a run (1: the messages one after the other). */
const defaultReactionLanes = 4;

/** Messages of a run per lane: enough to keep the lanes busy, few to replay when one fails. */
const MESSAGES_PER_LANE = 4;

/** Messages of a one-lane run: one transaction (same-transaction) or one look-up for all of them. */
const MESSAGES_PER_SINGLE_LANE_RUN = 16;

/** Messages of a run a reaction takes whole (`reactToRun`): its statements are per run, not per event. */
const MESSAGES_PER_WHOLE_RUN = 64;

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
    // a one-lane run with `reactToRun` is one transaction (or one look-up) and a handful of statements, however long
    this.maxMessagesPerApply = this.takesWholeRuns() || (this.lanes === 1 && reaction.reactToRun !== undefined)
      ? MESSAGES_PER_WHOLE_RUN
      : this.lanes === 1
        ? MESSAGES_PER_SINGLE_LANE_RUN
        : this.lanes * MESSAGES_PER_LANE;
  }

  /**
   * Reacts to a run of one partition: the events of one partition key in their order, the keys
   * side by side, at most `lanes` at once (one lane: the whole run in log order). Every lane
   * finishes before a failure is thrown, so that the partition loop's one-by-one retry never
   * overlaps a lane still running; the events already handled come back to it as duplicates.
   */
  async apply(messages: readonly DeliverableMessage<E>[]): Promise<DeliveryOutcome> {
    const events: ConsumedEvent<E>[] = [];
    for (const message of messages) {
      if (message.kind === 'skipped' || this.reaction.concerns?.(message.event) === false) continue;
      events.push(message.event);
    }
    const skipped = messages.length - events.length;
    if (events.length === 0) return { kind: 'applied', handled: 0, skipped, duplicates: 0 };
    const { handled, failure } = this.takesWholeRuns()
      ? await this.wholeRun(events)
      : this.reaction.idempotency === 'check-then-record'
        ? await this.checkThenRecord(this.lanesOf(events))
        : await this.inTransactions(this.lanesOf(events));
    if (failure !== undefined) throw failure;
    return { kind: 'applied', handled, skipped, duplicates: events.length - handled };
  }

  /** The run's events by partition key, each key's in log order (one lane: all of them). */
  private lanesOf(events: readonly ConsumedEvent<E>[]): ConsumedEvent<E>[][] {
    const lanes = new Map<string, ConsumedEvent<E>[]>();
    for (const event of events) {
      const key = this.lanes === 1 ? '' : event.metadata.partitionKey;
      const lane = lanes.get(key);
      if (lane) lane.push(event);
      else lanes.set(key, [event]);
    }
    return [...lanes.values()];
  }

  /** A check-then-record reaction with `reactToRun` gets the run whole (a same-transaction one gets each lane's events in its transaction). */
  private takesWholeRuns(): boolean {
    return this.reaction.idempotency === 'check-then-record' && this.reaction.reactToRun !== undefined;
  }

  /**
   * One look at processed_events, the fresh events (the first copy of each) to `reactToRun` in log
   * order, and one record of them once it succeeded; when it fails, nothing is recorded.
   */
  private async wholeRun(events: readonly ConsumedEvent<E>[]): Promise<{ handled: number; failure?: unknown }> {
    const manager = this.dataSource.manager;
    const done = await processedAmong(manager, this.reaction.name, events.map(idOf));
    const fresh = events.filter((event) => {
      const id = idOf(event);
      if (done.has(id)) return false;
      done.add(id);
      return true;
    });
    if (fresh.length === 0) return { handled: 0 };
    try {
      await this.reaction.reactToRun?.(fresh, manager);
    } catch (failure) {
      return { handled: 0, failure };
    }
    await recordProcessedEvents(manager, this.reaction.name, fresh.map(idOf));
    return { handled: fresh.length };
  }

  /**
   * One look at processed_events for the run, the fresh events reacted to lane by lane, and one
   * record of those that were, even when a lane failed (the replay finds them done).
   */
  private async checkThenRecord(lanes: readonly ConsumedEvent<E>[][]): Promise<{ handled: number; failure?: unknown }> {
    const manager = this.dataSource.manager;
    const done = await processedAmong(manager, this.reaction.name, lanes.flat().map(idOf));
    const reacted: string[] = [];
    const failure = await this.runLanes(lanes, async (lane) => {
      for (const event of lane) {
        const id = idOf(event);
        // a run may carry an event twice (published at two offsets): the first one counts
        if (done.has(id)) continue;
        await this.reaction.react(event, manager);
        done.add(id);
        reacted.push(id);
      }
    });
    await recordProcessedEvents(manager, this.reaction.name, reacted);
    return { handled: reacted.length, failure };
  }

  /**
   * One transaction per lane: its events' ids recorded first (those recorded already are
   * duplicates), then each fresh event reacted to in order on the transaction. A failure rolls
   * the lane back whole, ids and effects.
   */
  private async inTransactions(lanes: readonly ConsumedEvent<E>[][]): Promise<{ handled: number; failure?: unknown }> {
    let handled = 0;
    const failure = await this.runLanes(lanes, async (lane) => {
      const reacted = await this.dataSource.transaction(async (manager: EntityManager) => {
        const fresh = await recordProcessedEvents(manager, this.reaction.name, lane.map(idOf));
        // the first copy of each fresh event, in order
        const events = lane.filter((event) => fresh.delete(idOf(event)));
        if (this.reaction.reactToRun && events.length > 0) await this.reaction.reactToRun(events, manager);
        else for (const event of events) await this.reaction.react(event, manager);
        return events.length;
      });
      handled += reacted;
    });
    return { handled, failure };
  }

  /** Runs the lanes, at most `lanes` at once; the first failure once all have stopped. */
  private async runLanes(lanes: readonly ConsumedEvent<E>[][], work: (lane: readonly ConsumedEvent<E>[]) => Promise<void>): Promise<unknown> {
    const queue = [...lanes];
    const failures: unknown[] = [];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        // the rest of a failed lane waits for the retry, after the event that failed
        await work(lane).catch((error: unknown) => void failures.push(error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.lanes, queue.length) }, worker));
    return failures[0];
  }

  async deadLetter(_position: MessagePosition, publish: () => Promise<void>): Promise<DeliveryOutcome> {
    await publish();
    return { kind: 'applied', handled: 0, skipped: 0, duplicates: 0 };
  }
}

const idOf = (event: ConsumedEvent): string => event.eventId.toLowerCase();
