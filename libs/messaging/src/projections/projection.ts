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
   * one event can sit at two offsets): every event (true, the default), none (false), or those
   * the function picks. Leave out only events whose effect a second copy cannot change, however
   * late it comes: an insert that ignores a row already there, an update guarded by a state it
   * leaves (unpaid → paid). An absolute write is not enough when a late copy could set a row back
   * for a while. Each event left out saves a processed_events row and its index entry.
   */
  readonly deduplicateByEventId?: boolean | ((event: ConsumedEvent<E>) => boolean);
  /**
   * Writes the read model for events of one partition, in log order, with the transaction's
   * manager. Must be deterministic (time from `metadata.occurredAt`, never `now()`) so that a
   * rebuild produces the same rows.
   */
  project(events: readonly ConsumedEvent<E>[], manager: EntityManager): Promise<void>;
  /** After the transaction committed: notifications, measurements. Must not throw. */
  afterCommit?(events: readonly ConsumedEvent<E>[]): void;
}
