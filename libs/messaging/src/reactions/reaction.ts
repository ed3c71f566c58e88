// A reaction: turns another service's event into a command of this one. Its effect happens
// once per event id, however often the event is delivered.
import type { EventEnvelope } from '@billing/contracts';
import type { EntityManager } from 'typeorm';
import type { ConsumedEvent } from '../events/event-message';
import type { EventSelection } from '../events/message-decoding';

/**
 * - `same-transaction`: the event id is recorded in the transaction `react` writes with, so the
 *   effect is exactly once — for writes made with the given manager (this service's database).
 * - `check-then-record`: for effects outside that database. The id is checked before and
 *   recorded after `react`; a crash in between repeats `react`, so the command must be
 *   idempotent itself (e.g. a command id derived from the event id).
 */
export type ReactionIdempotency = 'same-transaction' | 'check-then-record';

export interface Reaction<E extends EventEnvelope = EventEnvelope> extends EventSelection<E> {
  /** Stable name: the key of its processed events and consumer group. */
  readonly name: string;
  readonly topics: readonly string[];
  /** Default `same-transaction`. */
  readonly idempotency?: ReactionIdempotency;
  /**
   * Where a new consumer group starts: false (default) reacts only to events published from
   * now on — a reaction deployed today must not re-issue last year's commands.
   */
  readonly fromBeginning?: boolean;
  /**
   * Partition keys (customers) reacted to at once within a partition; a key's events always one
   * after the other, in order. 1 for a reaction whose effects must follow the partition's order
   * across keys. Default: the runtime's `reactionLanes` for `check-then-record`, 1 for
   * `same-transaction` (each lane holds a pooled connection through `react`: set more only if
   * `react` never takes a second connection from that pool).
   */
  readonly lanes?: number;
  /**
   * False for a handled type's event that is none of this reaction's business (an invoice of
   * another source): it is skipped like an unhandled type, before any database work — no
   * transaction, no processed_events row — and before its data is validated (see EventSelection:
   * it may meet data that is not valid yet, and must not act on it). Must depend on the event
   * alone. Default: every event.
   */
  concerns?(event: ConsumedEvent<E>): boolean;
  /** Handles one event; `manager` is the transaction's (same-transaction) or the data source's. */
  react(event: ConsumedEvent<E>, manager: EntityManager): Promise<void>;
  /**
   * Optional, for a reaction that does a run's work in fewer statements than event by event: the
   * fresh events at once, in log order, instead of `react` one after the other.
   * - `check-then-record`: the whole run (up to 64 messages) instead of lanes. Its effects must be
   *   idempotent per event, as `react`'s are. When it fails, none of the run is recorded.
   * - `same-transaction`: a lane's events, in the lane's transaction (recorded with it); up to 64
   *   messages with one lane.
   * Either way, a failure sends the partition loop through the events one at a time, each as a
   * run of one.
   */
  reactToRun?(events: readonly ConsumedEvent<E>[], manager: EntityManager): Promise<void>;
}
