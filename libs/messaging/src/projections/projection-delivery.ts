// How a projection takes a run of messages: one transaction that locks the partition's
// checkpoint, drops what it applied already (by offset, then by event id), writes the read
// model and moves the checkpoint — or answers that the partition must be read from elsewhere.
import type { EventEnvelope } from '@billing/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliverableMessage, DeliveryContext, DeliveryOutcome, DeliveryTarget } from '../consuming/delivery-target';
import type { ConsumedEvent, MessagePosition } from '../events/event-message';
import { recordProcessedEvents } from '../reactions/processed-events';
import { lockCheckpoint, saveCheckpoint } from './projection-checkpoints';
import type { Projection } from './projection';

export interface ProjectionDeliveryOptions {
  /** Events per transaction; bigger batches mean fewer round trips and bigger upserts. */
  maxEventsPerTransaction?: number;
  /** Writes into this schema instead of the live tables (a rebuild's shadow schema). */
  schema?: string;
}

export class ProjectionDelivery<E extends EventEnvelope> implements DeliveryTarget<E> {
  readonly maxMessagesPerApply: number;

  constructor(
    private readonly projection: Projection<E>,
    private readonly dataSource: DataSource,
    private readonly options: ProjectionDeliveryOptions = {},
  ) {
    this.maxMessagesPerApply = options.maxEventsPerTransaction ?? 1_000;
  }

  async apply(messages: readonly DeliverableMessage<E>[], context: DeliveryContext): Promise<DeliveryOutcome> {
    const first = messages[0].position;
    const last = messages[messages.length - 1].position;
    // below the stored position only when the log could not start there (see redirect)
    let projected: ConsumedEvent<E>[] = [];

    const outcome = await this.transaction(async (manager): Promise<DeliveryOutcome> => {
      const next = await lockCheckpoint(manager, this.projection.name, first.topic, first.partition);
      const redirect = this.redirect(next, first, context);
      if (redirect) return redirect;

      const fresh = messages.filter((message) => BigInt(message.position.offset) >= next);
      const events = fresh.flatMap((message) => (message.kind === 'event' ? [message.event] : []));
      projected = await this.firstDeliveries(manager, events);
      if (projected.length > 0) await this.projection.project(projected, manager);
      if (fresh.length > 0) {
        await saveCheckpoint(manager, this.projection.name, first.topic, first.partition, BigInt(last.offset) + 1n);
      }
      return {
        kind: 'applied',
        handled: projected.length,
        skipped: fresh.length - events.length,
        duplicates: messages.length - fresh.length + events.length - projected.length,
      };
    });
    if (outcome.kind === 'applied' && projected.length > 0) this.projection.afterCommit?.(projected);
    return outcome;
  }

  async deadLetter(position: MessagePosition, publish: () => Promise<void>, context: DeliveryContext): Promise<DeliveryOutcome> {
    return this.transaction(async (manager): Promise<DeliveryOutcome> => {
      const next = await lockCheckpoint(manager, this.projection.name, position.topic, position.partition);
      const redirect = this.redirect(next, position, context);
      if (redirect) return redirect;
      const offset = BigInt(position.offset);
      // passed already (redelivered after a crash before the commit to Kafka): do not publish twice
      if (offset < next) return { kind: 'applied', handled: 0, skipped: 0, duplicates: 1 };
      // published inside the transaction: if the checkpoint cannot be saved, the message is
      // dead-lettered again on redelivery (at least once), never lost
      await publish();
      await saveCheckpoint(manager, this.projection.name, position.topic, position.partition, offset + 1n);
      return { kind: 'applied', handled: 0, skipped: 0, duplicates: 0 };
    });
  }

  /**
   * The stored position wins over the consumer group's: a batch that does not start exactly
   * there (a new group, a lost commit, a rebalance, a swapped-in rebuild) is fetched again
   * from the stored offset — once per assignment, in case the log cannot start there.
   */
  private redirect(next: bigint, first: MessagePosition, context: DeliveryContext): DeliveryOutcome | undefined {
    if (BigInt(first.offset) === next || context.soughtTo === next.toString()) return undefined;
    return { kind: 'seek', offset: next.toString() };
  }

  /**
   * The events not applied before, each once, in log order; those the projection does not
   * deduplicate all pass (no look-up at all when none of the run is deduplicated).
   */
  private async firstDeliveries(manager: EntityManager, events: ConsumedEvent<E>[]): Promise<ConsumedEvent<E>[]> {
    const policy = this.projection.deduplicateByEventId ?? true;
    if (policy === false || events.length === 0) return events;
    const deduplicated = policy === true ? () => true : policy;
    const checked = events.filter(deduplicated);
    if (checked.length === 0) return events;
    const fresh = await recordProcessedEvents(manager, this.projection.name, [...new Set(checked.map((e) => e.eventId.toLowerCase()))]);
    return events.filter((event) => !deduplicated(event) || fresh.delete(event.eventId.toLowerCase()));
  }

  private transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      if (this.options.schema) {
        // the shadow schema first: unqualified table names resolve to the copies
        await manager.query(`SELECT set_config('search_path', quote_ident($1) || ', ' || current_setting('search_path'), true)`, [
          this.options.schema,
        ]);
      }
      return work(manager);
    });
  }
}
