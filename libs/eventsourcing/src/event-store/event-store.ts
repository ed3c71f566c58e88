// The event store port: what command handlers and the outbox relay need from any event store,
// whichever database holds the events (PostgreSQL by default, KurrentDB where deployed).
import type { EventEnvelope, EventMetadata } from '@billing/contracts';

/** A fact as a decider emits it: a past-tense type and plain data, nothing about storage. */
export type DomainEvent<Type extends string = string, Data = unknown> = Readonly<{ type: Type; data: Data }>;

/**
 * An event ready to be appended: the decider's event plus what infrastructure adds.
 * `schemaVersion` may be left out: the store stamps the version its upcasters lead to (1 when
 * the type has none), so that writers always store the current shape.
 */
export type NewEvent<E extends DomainEvent = DomainEvent> = E & {
  /** UUID; appending an id that is already stored is a no-op (see `EventStore.append`). */
  eventId: string;
  schemaVersion?: number;
  metadata: EventMetadata;
};

/**
 * A place in the global log. In PostgreSQL it is the pair (transaction id, global position) that
 * orders the log gap-safely; KurrentDB maps its (commit, prepare) position onto the same pair.
 * Both parts are decimal strings: they are 64-bit and do not fit a JS number.
 */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: string;
}

/** Before the first event: `readAll` from here reads the whole log. */
export const initialCheckpoint: GlobalCheckpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });

/** Orders two checkpoints (negative, zero, positive), comparing the parts as 64-bit integers. */
export function compareCheckpoints(a: GlobalCheckpoint, b: GlobalCheckpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  const byPosition = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return byPosition === 0n ? 0 : byPosition < 0n ? -1 : 1;
}

/** A stored event: the wire envelope plus where it sits in its stream and in the global log. */
export type StoredEvent<E extends DomainEvent = DomainEvent> = E &
  Omit<EventEnvelope<E['type'], E['data']>, 'type' | 'data'> & {
    streamId: string;
    /** 1 for the stream's first event. */
    streamVersion: number;
    position: GlobalCheckpoint;
    /** When the store wrote it (ISO-8601); `metadata.occurredAt` is when it happened. */
    storedAt: string;
  };

/**
 * The version the caller believes the stream is at:
 * - `'noStream'`: the stream must have no events (0 means the same);
 * - a number: the version of the stream's last event must be exactly this;
 * - `'any'`: no check (appends after whatever is there).
 */
export type ExpectedVersion = 'noStream' | 'any' | number;

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  /** The version of the last event of this append: pass it as `expectedVersion` next time. */
  nextExpectedVersion: number;
  /** Where the last event of this append sits in the global log (absent for an empty append). */
  lastPosition?: GlobalCheckpoint;
  /**
   * True when every event of the append was stored already (a repeat of an earlier append, with
   * the same event ids): nothing was written, and the stream holds the earlier append's events.
   */
  replayed?: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (1-based, inclusive); the whole stream by default. */
  from?: number;
}

export interface ReadStreamResult<E extends DomainEvent = DomainEvent> {
  events: StoredEvent<E>[];
  /** Version of the stream's last event; 0 when the stream has no events. */
  currentVersion: number;
}

export interface ReadAllOptions {
  /** Events strictly after this checkpoint are returned. */
  after: GlobalCheckpoint;
  limit: number;
}

export interface ReadAllBatch<E extends DomainEvent = DomainEvent> {
  events: StoredEvent<E>[];
  /** Where the next read starts: the last event's position, or `after` when nothing was read. */
  checkpoint: GlobalCheckpoint;
}

/** What is stored after a checkpoint and not read past yet: the outbox relay's lag. */
export interface Backlog {
  events: number;
  oldestStoredAt: Date | null;
}

export interface EventStore {
  /**
   * Appends the events to the stream atomically, after checking the expected version.
   *
   * Idempotent by event id: when every event id is already stored, nothing is written and the
   * result is that of the original append (a retry after a lost response succeeds, even though its
   * expected version is stale by then). Ids already stored are dropped from a partly new batch.
   *
   * @throws WrongExpectedVersionError when the stream is not at the expected version.
   */
  append<E extends DomainEvent>(streamId: string, events: readonly NewEvent<E>[], options: AppendOptions): Promise<AppendResult>;

  /** The stream's events in version order, upcast to their current schema version. */
  readStream<E extends DomainEvent = DomainEvent>(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult<E>>;

  /**
   * The next batch of the global log after a checkpoint, in commit order, upcast. Never skips an
   * event: an event whose transaction is still open is returned after it commits, not skipped.
   */
  readAll<E extends DomainEvent = DomainEvent>(options: ReadAllOptions): Promise<ReadAllBatch<E>>;

  /** How much is stored after a checkpoint (for lag metrics); stores that cannot tell omit it. */
  backlogAfter?(checkpoint: GlobalCheckpoint): Promise<Backlog>;

  /**
   * Whether anything is stored after a checkpoint, committed or not yet visible to `readAll`: the
   * outbox relay asks after every batch short of full, so it costs what follows the checkpoint
   * (where `backlogAfter` counts). Stores that cannot tell omit it.
   */
  storedAfter?(checkpoint: GlobalCheckpoint): Promise<boolean>;
}
