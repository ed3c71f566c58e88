// How a reaction takes messages: one event at a time, in partition order, its effect tied to
// the event id in processed_events (see ReactionIdempotency for the guarantee of each mode).
import type { EventEnvelope } from '@billing/contracts';
import type { DataSource } from 'typeorm';
import type { DeliverableMessage, DeliveryOutcome, DeliveryTarget } from '../consuming/delivery-target';
import type { ConsumedEvent, MessagePosition } from '../events/event-message';
import { recordProcessedEvents, wasProcessed } from './processed-events';
import type { Reaction } from './reaction';

export class ReactionDelivery<E extends EventEnvelope> implements DeliveryTarget<E> {
  // a failing command is retried and dead-lettered alone, without replaying its neighbours
  readonly maxMessagesPerApply = 1;

  constructor(
    private readonly reaction: Reaction<E>,
    private readonly dataSource: DataSource,
  ) {}

  async apply(messages: readonly DeliverableMessage<E>[]): Promise<DeliveryOutcome> {
    let handled = 0;
    let duplicates = 0;
    let skipped = 0;
    for (const message of messages) {
      if (message.kind === 'skipped') skipped++;
      else if (await this.react(message.event)) handled++;
      else duplicates++;
    }
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
