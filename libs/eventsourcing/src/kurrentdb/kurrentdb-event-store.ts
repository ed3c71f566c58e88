// The event store port on KurrentDB (formerly EventStoreDB), for deployments that run it.
//
// `@kurrent/kurrentdb-client` is loaded lazily, when a store connects, so that services on
// PostgreSQL never load it (only its types are imported statically). Its stream revisions are
// 0-based bigints; this port's versions are 1-based numbers.
import type { EventMetadata } from '@billing/contracts';
import type * as Kurrent from '@kurrent/kurrentdb-client';
import { assertAppendable, assertExpectedVersion } from '../event-store/append-rules';
import {
  compareCheckpoints,
  initialCheckpoint,
  type AppendOptions,
  type AppendResult,
  type DomainEvent,
  type EventStore,
  type ExpectedVersion,
  type GlobalCheckpoint,
  type NewEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type StoredEvent,
} from '../event-store/event-store';
import { upcasterChain, type Upcaster, type UpcasterChain } from '../event-store/upcasting';
import { WrongExpectedVersionError } from '../event-store/wrong-expected-version-error';

const CLIENT_PACKAGE = '@kurrent/kurrentdb-client';

type KurrentClientModule = typeof Kurrent;
type KurrentRecordedEvent = NonNullable<Kurrent.ResolvedEvent['event']>;

/** Stored in the event's metadata: KurrentDB has no schema version field of its own. */
const SCHEMA_VERSION_KEY = 'schemaVersion';

export interface KurrentDbEventStoreOptions {
  upcasters?: readonly Upcaster[];
}

/**
 * Positions map onto the port's checkpoint as { transactionId: commit, globalPosition: prepare }:
 * $all is ordered by (commit, prepare) as PostgreSQL's log is by (transaction, position).
 * Idempotent appends follow the server's rules: a retry with the same ids and expected version
 * is acknowledged without writing; with `any` the server deduplicates only recent ids.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly upcasting: UpcasterChain;

  private constructor(
    private readonly client: Kurrent.KurrentDBClient,
    private readonly kurrent: KurrentClientModule,
    options: KurrentDbEventStoreOptions,
  ) {
    this.upcasting = upcasterChain(options.upcasters);
  }

  /** @param connectionString e.g. `kurrentdb://localhost:2113?tls=false` */
  static async connect(connectionString: string, options: KurrentDbEventStoreOptions = {}): Promise<KurrentDbEventStore> {
    let kurrent: KurrentClientModule;
    try {
      kurrent = (await import(CLIENT_PACKAGE)) as KurrentClientModule;
    } catch (error) {
      throw new Error(`the KurrentDB event store needs the ${CLIENT_PACKAGE} package: ${(error as Error).message}`, { cause: error });
    }
    return new KurrentDbEventStore(kurrent.KurrentDBClient.connectionString(connectionString), kurrent, options);
  }

  close(): Promise<void> {
    return this.client.dispose();
  }

  async append<E extends DomainEvent>(streamId: string, events: readonly NewEvent<E>[], { expectedVersion }: AppendOptions): Promise<AppendResult> {
    assertAppendable(streamId, events);
    if (events.length === 0) {
      const currentVersion = await this.currentVersion(streamId);
      assertExpectedVersion(streamId, expectedVersion, currentVersion);
      return { nextExpectedVersion: currentVersion };
    }
    const records = events.map((event) =>
      this.kurrent.jsonEvent({
        id: event.eventId,
        type: event.type,
        data: event.data as Kurrent.JSONType,
        metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: String(event.schemaVersion ?? this.upcasting.currentVersion(event.type)) },
      }),
    );
    try {
      const result = await this.client.appendToStream(streamId, records, { streamState: streamStateOf(expectedVersion) });
      return {
        nextExpectedVersion: Number(result.nextExpectedRevision) + 1,
        lastPosition: result.position ? checkpointOf(result.position) : undefined,
      };
    } catch (error) {
      if (error instanceof this.kurrent.WrongExpectedVersionError) {
        const actual = error.actualState === 'no_stream' ? 0 : Number(error.actualState) + 1;
        throw new WrongExpectedVersionError(streamId, expectedVersion, actual);
      }
      throw error;
    }
  }

  async readStream<E extends DomainEvent = DomainEvent>(streamId: string, { from = 1 }: ReadStreamOptions = {}): Promise<ReadStreamResult<E>> {
    const events = await this.collect<E>(this.client.readStream(streamId, { fromRevision: BigInt(Math.max(0, from - 1)) }));
    const currentVersion = events.length > 0 ? events[events.length - 1].streamVersion : from > 1 ? await this.currentVersion(streamId) : 0;
    return { events, currentVersion };
  }

  async readAll<E extends DomainEvent = DomainEvent>({ after, limit }: ReadAllOptions): Promise<ReadAllBatch<E>> {
    const fromStart = compareCheckpoints(after, initialCheckpoint) === 0;
    const read = this.client.readAll({
      fromPosition: fromStart ? 'start' : { commit: BigInt(after.transactionId), prepare: BigInt(after.globalPosition) },
      // reading from a position includes the event at it: one more, dropped below
      maxCount: limit + 1,
      filter: this.kurrent.excludeSystemEvents(),
    });
    const events = (await this.collect<E>(read)).filter((event) => compareCheckpoints(event.position, after) > 0).slice(0, limit);
    return { events, checkpoint: events.length > 0 ? events[events.length - 1].position : after };
  }

  private async currentVersion(streamId: string): Promise<number> {
    const [last] = await this.collect(this.client.readStream(streamId, { fromRevision: 'end', direction: 'backwards', maxCount: 1 }));
    return last?.streamVersion ?? 0;
  }

  /** Drains a read; a stream that does not exist reads as empty. */
  private async collect<E extends DomainEvent>(read: AsyncIterable<{ event?: KurrentRecordedEvent }>): Promise<StoredEvent<E>[]> {
    const events: StoredEvent<E>[] = [];
    try {
      for await (const resolved of read) if (resolved.event) events.push(this.toStoredEvent<E>(resolved.event));
    } catch (error) {
      if (!(error instanceof this.kurrent.StreamNotFoundError)) throw error;
    }
    return events;
  }

  private toStoredEvent<E extends DomainEvent>(record: KurrentRecordedEvent): StoredEvent<E> {
    const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = (record.metadata ?? {}) as Record<string, unknown>;
    const event = this.upcasting.upcast({ type: record.type, schemaVersion: Number(schemaVersion ?? 1), data: record.data });
    return {
      eventId: record.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: metadata as unknown as EventMetadata,
      streamId: record.streamId,
      streamVersion: Number(record.revision) + 1,
      position: record.position ? checkpointOf(record.position) : initialCheckpoint,
      storedAt: record.created.toISOString(),
    } as StoredEvent<E>;
  }
}

function streamStateOf(expected: ExpectedVersion): Kurrent.AppendStreamState {
  if (expected === 'any') return 'any';
  if (expected === 'noStream' || expected === 0) return 'no_stream';
  return BigInt(expected - 1);
}

function checkpointOf(position: Kurrent.Position): GlobalCheckpoint {
  return { transactionId: position.commit.toString(), globalPosition: position.prepare.toString() };
}
