// A projection: turns events into read-model rows. It writes the rows and its position in one
// PostgreSQL transaction, so a message applied twice, or replayed after a crash, has no effect.
import type { EventEnvelope } from '@billing/contracts';
import type { EntityManager } from 'typeorm';
import type { ConsumedEvent } from '../events/event-message';
import type { EventSelection } from '../events/message-decoding';

export interface Projection<E extends EventEnvelope = EventEnvelope> extends EventSelection<E> {
  /** Stable name: the key of its checkpoints and consumer group; renaming it replays it. */
  readonly name: string;
  readonly topics: readonly string[];
  /**
   * The tables it writes, unqualified (TypeORM entities without an explicit schema): a rebuild
   * replays into copies of them in a shadow schema, then swaps the rows in.
   */
  readonly readModelTables: readonly string[];
  /**
   * Also skip events whose id it applied already (the outbox relay publishes at least once, so
   * one event can sit at two offsets). Default true; turn off only when `project` is
   * idempotent by itself (upserts of absolute values).
   */
  readonly deduplicateByEventId?: boolean;
  /**
   * Writes the read model for events of one partition, in log order, with the transaction's
   * manager. Must be deterministic (time from `metadata.occurredAt`, never `now()`) so that a
   * rebuild produces the same rows.
   */
  project(events: readonly ConsumedEvent<E>[], manager: EntityManager): Promise<void>;
  /** After the transaction committed: notifications, measurements. Must not throw. */
  afterCommit?(events: readonly ConsumedEvent<E>[]): void;
}
