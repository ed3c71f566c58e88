// An order's stream as operators need it when a customer calls: every fact, in order, with when
// it happened and what caused it. Read from the event store, the source of truth.
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@billing/eventsourcing';
import { EVENT_STORE } from '@billing/platform';
import { orderStreamId } from '../../domain/order';

export type OrderHistoryEntry = Readonly<{
  version: number;
  type: string;
  occurredAt: string;
  causationId?: string;
  data: unknown;
}>;

@Injectable()
export class OrderHistoryQuery {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async of(orderId: string): Promise<OrderHistoryEntry[]> {
    const { events } = await this.store.readStream(orderStreamId(orderId));
    return events.map((event) => ({
      version: event.streamVersion,
      type: event.type,
      occurredAt: event.metadata.occurredAt,
      ...(event.metadata.causationId ? { causationId: event.metadata.causationId } : {}),
      data: event.data,
    }));
  }
}
