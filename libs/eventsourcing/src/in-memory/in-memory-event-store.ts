// An event store in process memory, held to the same contract as the real ones: for unit tests
// of command handlers and reactions that should not need a database.
import { assertAppendable, assertExpectedVersion } from '../event-store/append-rules';
import {
  compareCheckpoints,
  type AppendOptions,
  type AppendResult,
  type Backlog,
  type DomainEvent,
  type EventStore,
  type GlobalCheckpoint,
  type NewEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type StoredEvent,
} from '../event-store/event-store';
import { upcasterChain, type Upcaster, type UpcasterChain } from '../event-store/upcasting';

export interface InMemoryEventStoreOptions {
  upcasters?: readonly Upcaster[];
  /** The clock that stamps `storedAt` (a test clock, typically). */
  now?: () => Date;
}

export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byEventId = new Map<string, StoredEvent>();
  private readonly upcasting: UpcasterChain;
  private readonly now: () => Date;
  private appends = 0;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.upcasting = upcasterChain(options.upcasters);
    this.now = options.now ?? (() => new Date());
  }

  async append<E extends DomainEvent>(streamId: string, events: readonly NewEvent<E>[], { expectedVersion }: AppendOptions): Promise<AppendResult> {
    assertAppendable(streamId, events);
    const stream = this.streams.get(streamId) ?? [];
    const currentVersion = stream.length;
    const stored = events.map((event) => this.byEventId.get(event.eventId.toLowerCase())).filter((event) => event !== undefined);
    if (events.length > 0 && stored.length === events.length) {
      const inStream = stored.filter((event) => event.streamId === streamId);
      const last = inStream.reduce<StoredEvent | undefined>((a, b) => (a && a.streamVersion > b.streamVersion ? a : b), undefined);
      return last ? { nextExpectedVersion: last.streamVersion, lastPosition: last.position, replayed: true } : { nextExpectedVersion: currentVersion, replayed: true };
    }
    assertExpectedVersion(streamId, expectedVersion, currentVersion);
    const fresh = events.filter((event) => !this.byEventId.has(event.eventId.toLowerCase()));
    if (fresh.length === 0) return { nextExpectedVersion: currentVersion };

    const transactionId = String(++this.appends);
    const storedAt = this.now().toISOString();
    for (const event of fresh) {
      const record = {
        ...structuredClone(event),
        eventId: event.eventId.toLowerCase(),
        schemaVersion: event.schemaVersion ?? this.upcasting.currentVersion(event.type),
        streamId,
        streamVersion: stream.length + 1,
        position: { transactionId, globalPosition: String(this.log.length + 1) },
        storedAt,
      } as StoredEvent;
      stream.push(record);
      this.log.push(record);
      this.byEventId.set(record.eventId, record);
    }
    this.streams.set(streamId, stream);
    const last = stream[stream.length - 1];
    return { nextExpectedVersion: last.streamVersion, lastPosition: last.position };
  }

  async readStream<E extends DomainEvent = DomainEvent>(streamId: string, { from = 1 }: ReadStreamOptions = {}): Promise<ReadStreamResult<E>> {
    const stream = this.streams.get(streamId) ?? [];
    return { events: stream.slice(Math.max(0, from - 1)).map((event) => this.read<E>(event)), currentVersion: stream.length };
  }

  async readAll<E extends DomainEvent = DomainEvent>({ after, limit }: ReadAllOptions): Promise<ReadAllBatch<E>> {
    const events = this.log
      .filter((event) => compareCheckpoints(event.position, after) > 0)
      .slice(0, limit)
      .map((event) => this.read<E>(event));
    return { events, checkpoint: events.length > 0 ? events[events.length - 1].position : after };
  }

  async backlogAfter(checkpoint: GlobalCheckpoint): Promise<Backlog> {
    const pending = this.log.filter((event) => compareCheckpoints(event.position, checkpoint) > 0);
    return { events: pending.length, oldestStoredAt: pending.length > 0 ? new Date(pending[0].storedAt) : null };
  }

  async storedAfter(checkpoint: GlobalCheckpoint): Promise<boolean> {
    return this.log.some((event) => compareCheckpoints(event.position, checkpoint) > 0);
  }

  /** A copy, upcast: callers can never change what is stored. */
  private read<E extends DomainEvent>(event: StoredEvent): StoredEvent<E> {
    return this.upcasting.upcast(structuredClone(event)) as StoredEvent<E>;
  }
}
