// The default event store: one table in the service's own PostgreSQL database.
import type { EventMetadata } from '@billing/contracts';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { assertAppendable, assertExpectedVersion } from '../event-store/append-rules';
import type {
  AppendOptions,
  AppendResult,
  Backlog,
  DomainEvent,
  EventStore,
  GlobalCheckpoint,
  NewEvent,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  StoredEvent,
} from '../event-store/event-store';
import { upcasterChain, type Upcaster, type UpcasterChain } from '../event-store/upcasting';
import { WrongExpectedVersionError } from '../event-store/wrong-expected-version-error';
import {
  appendPrecheckSql,
  backlogSql,
  EVENT_APPENDED_CHANNEL,
  EVENT_ID_CONSTRAINT,
  insertEventsAtVersionSql,
  insertEventsOfStreamsSql,
  insertEventsSql,
  lockStreamSql,
  readAllSql,
  readStreamSql,
  readSnapshotsSql,
  readStreamsAfterSql,
  saveSnapshotsSql,
  storedAfterSql,
  STREAM_VERSION_CONSTRAINT,
  streamVersionSql,
} from './event-store-sql';
import { namedStatement, preparedStatementsEnabled, runStatement, type NamedStatement } from './named-statements';
import { poolOf, type PostgresConnection } from './postgres-connection';

/** A stream's state folded to a version, as a snapshot keeps it. */
export type StreamSnapshot<State> = Readonly<{ version: number; state: State }>;

export interface PostgresEventStoreOptions {
  upcasters?: readonly Upcaster[];
  /** Rows per INSERT statement when one append carries very many events. */
  insertChunkSize?: number;
  /**
   * Run the hot statements as named, prepared statements: parsed and planned once per connection.
   * False behind a pooler in transaction mode, which shares no prepared statement between
   * transactions. Default: the process's setting (see usePreparedStatements).
   */
  preparedStatements?: boolean;
}

/** The statements every append and read runs, named once for all stores of the process. */
const statements = {
  insertAtVersion: namedStatement('event_store_insert_at_version', insertEventsAtVersionSql),
  insert: namedStatement('event_store_insert', insertEventsSql),
  appendPrecheck: namedStatement('event_store_append_precheck', appendPrecheckSql),
  readStream: namedStatement('event_store_read_stream', readStreamSql),
  readStreamsAfter: namedStatement('event_store_read_streams_after', readStreamsAfterSql),
  insertOfStreams: namedStatement('event_store_insert_of_streams', insertEventsOfStreamsSql),
  readAll: namedStatement('event_store_read_all', readAllSql),
  storedAfter: namedStatement('event_store_stored_after', storedAfterSql),
  streamVersion: namedStatement('event_store_stream_version', streamVersionSql),
  readSnapshots: namedStatement('event_store_read_snapshots', readSnapshotsSql),
  saveSnapshots: namedStatement('event_store_save_snapshots', saveSnapshotsSql),
} satisfies Record<string, NamedStatement>;

interface StoredRow {
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  transaction_id: string;
  global_position: string;
  created_at: Date;
}

interface AlreadyStored {
  eventId: string;
  streamId: string;
  streamVersion: number;
  transactionId: string;
  globalPosition: string;
}

/**
 * Why an append attempt stopped short of committing: a concurrent twin won a unique constraint,
 * or (optimistic attempts only) the stream was not at the expected version.
 */
type AppendOutcome = { result: AppendResult } | { raced: 'streamVersion' | 'eventId' | 'elsewhere' };

/** The version an optimistic append inserts after, when it may skip the precheck. */
function optimisticBase(expectedVersion: AppendOptions['expectedVersion']): number | undefined {
  if (expectedVersion === 'any') return undefined;
  return expectedVersion === 'noStream' ? 0 : expectedVersion;
}

/**
 * Builds the events of an append inside its transaction (see `appendWithinTransaction`): it may
 * write with `client` (in the same transaction) before returning the events to append.
 */
export type TransactionalEventsBuilder<E extends DomainEvent = DomainEvent> = (client: PoolClient) => Promise<readonly NewEvent<E>[]>;

/**
 * Runs one statement in a transaction the caller holds open and returns its rows: a pg client's
 * or a TypeORM manager's `query`, adapted. `name` is the store's name for a hot statement: an
 * adapter may prepare the statement under it (see runStatement / runStatementWith) or ignore it.
 */
export type TransactionQuery = <Row = Record<string, unknown>>(text: string, parameters: unknown[], name?: string) => Promise<Row[]>;

/** One stream's part of a multi-stream append (see appendToStreamsIn). */
export type StreamAppend<E extends DomainEvent = DomainEvent> = Readonly<{
  streamId: string;
  events: readonly NewEvent<E>[];
  expectedVersion: number | 'noStream';
}>;

/**
 * A checked-out client's `query` as a TransactionQuery, for a caller that runs the store's
 * `…In` methods on its own transaction: named statements prepared as the process says (runStatement).
 */
export function transactionQueryOf(client: PoolClient): TransactionQuery {
  return async <Row>(text: string, parameters: unknown[], name?: string) =>
    (name ? await runStatement(client, namedStatement(name, text), parameters) : await client.query(text, parameters)).rows as Row[];
}

const MAX_APPEND_ATTEMPTS = 5;

export class PostgresEventStore implements EventStore {
  /** The NOTIFY channel that appends signal on (payload: the stream id); see OutboxRelay. */
  readonly notificationChannel = EVENT_APPENDED_CHANNEL;
  readonly pool: Pool;
  private readonly upcasting: UpcasterChain;
  private readonly insertChunkSize: number;
  private readonly prepared: boolean;

  /**
   * @param connection a pg Pool or an initialized TypeORM DataSource (its pool is used). Give
   * the pool `idle_in_transaction_session_timeout`: an abandoned transaction holds back readAll.
   */
  constructor(connection: PostgresConnection, options: PostgresEventStoreOptions = {}) {
    this.pool = poolOf(connection);
    this.upcasting = upcasterChain(options.upcasters);
    this.insertChunkSize = options.insertChunkSize ?? 1_000;
    this.prepared = options.preparedStatements ?? preparedStatementsEnabled();
  }

  async append<E extends DomainEvent>(streamId: string, events: readonly NewEvent<E>[], { expectedVersion }: AppendOptions): Promise<AppendResult> {
    assertAppendable(streamId, events);
    // The common case, a command appending after the version it read, costs one statement:
    // inserted only if the stream is still there, else the checked append below finds out why.
    const base = optimisticBase(expectedVersion);
    if (base !== undefined && events.length > 0 && events.length <= this.insertChunkSize) {
      const outcome = await this.appendInOneStatement(streamId, events, base);
      if ('result' in outcome) return outcome.result;
    }
    return this.appendAttempts(streamId, expectedVersion, () => Promise.resolve(events));
  }

  /**
   * Like `append`, but the events are built inside the append's transaction by `build`, which may
   * first write with the transaction's client: its writes and the events commit together or not
   * at all. Invoicing takes the next number of an invoice series this way (`UPDATE … RETURNING`
   * on the series row, whose lock serialises the issues of that series until commit), so that a
   * number is used by exactly the invoice that commits with it, and a rolled-back issue releases it.
   *
   * `build` runs after BEGIN (and after the stream lock of an `'any'` append), before the version
   * check. It runs again, in a fresh transaction, when a concurrent append wins the race for the
   * stream version; its writes of a transaction that does not commit are rolled back. When it
   * returns no events, or events whose ids are all stored already, nothing commits (its writes
   * neither). An error it throws rolls the transaction back and reaches the caller.
   */
  async appendWithinTransaction<E extends DomainEvent>(streamId: string, { expectedVersion }: AppendOptions, build: TransactionalEventsBuilder<E>): Promise<AppendResult> {
    const eventsOf: TransactionalEventsBuilder<E> = async (client) => {
      const events = await build(client);
      assertAppendable(streamId, events);
      return events;
    };
    // the first attempt skips the precheck: the version guard and the unique constraints stop a
    // stale or repeated append, which rolls back (with the builder's writes) and is checked again
    return this.appendAttempts(streamId, expectedVersion, eventsOf, optimisticBase(expectedVersion) !== undefined);
  }

  private async appendAttempts(
    streamId: string,
    expectedVersion: AppendOptions['expectedVersion'],
    eventsOf: TransactionalEventsBuilder,
    optimisticFirst = false,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.tryAppend(streamId, eventsOf, expectedVersion, optimisticFirst && attempt === 1);
      if ('result' in outcome) return outcome.result;
      // A concurrent append committed first. The next attempt's precheck tells a retry of that
      // very append (its ids are stored now: success) from a real conflict (the version moved).
      if (attempt >= MAX_APPEND_ATTEMPTS) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, await this.currentVersion(streamId));
      }
    }
  }

  /** The guarded INSERT (see insertEventsAtVersionSql) on the pool, a client or a caller's transaction. */
  private async insertAtVersion(query: TransactionQuery, streamId: string, events: readonly NewEvent[], base: number): Promise<AppendOutcome> {
    const { text, name } = statements.insertAtVersion;
    const inserted = await query<{ transaction_id: string; global_position: string }>(text, [streamId, JSON.stringify(this.rowsOf(events, base)), base], name);
    if (inserted.length === 0) return { raced: 'elsewhere' };
    return { result: { nextExpectedVersion: base + events.length, lastPosition: lastPositionOf(inserted) } };
  }

  /** One INSERT, its own transaction. */
  private async appendInOneStatement(streamId: string, events: readonly NewEvent[], base: number): Promise<AppendOutcome> {
    try {
      return await this.insertAtVersion(this.queryOn(this.pool), streamId, events, base);
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === STREAM_VERSION_CONSTRAINT) return { raced: 'streamVersion' };
      if (constraint === EVENT_ID_CONSTRAINT) return { raced: 'eventId' };
      throw error;
    }
  }

  private rowsOf(events: readonly NewEvent[], currentVersion: number) {
    return events.map((event, index) => ({
      stream_version: currentVersion + index + 1,
      event_id: event.eventId,
      event_type: event.type,
      schema_version: event.schemaVersion ?? this.upcasting.currentVersion(event.type),
      data: event.data,
      metadata: event.metadata,
    }));
  }

  private async tryAppend(
    streamId: string,
    eventsOf: TransactionalEventsBuilder,
    expectedVersion: AppendOptions['expectedVersion'],
    optimistic: boolean,
  ): Promise<AppendOutcome> {
    const client = await this.pool.connect();
    let released = false;
    try {
      await client.query('BEGIN');
      // Writers without an expected version queue up on the stream instead of racing for the
      // next version number; writers with one stay optimistic (the unique index decides).
      if (expectedVersion === 'any') await client.query(lockStreamSql, [streamId]);
      const events = await eventsOf(client);
      const base = optimisticBase(expectedVersion);
      if (optimistic && base !== undefined && events.length > 0 && events.length <= this.insertChunkSize) {
        const outcome = await this.insertAtVersion(this.queryOn(client), streamId, events, base);
        await client.query('result' in outcome ? 'COMMIT' : 'ROLLBACK');
        return outcome;
      }
      const eventIds = events.map((event) => event.eventId.toLowerCase());
      const { rows } = await this.run<{ current_version: number; stored: AlreadyStored[] }>(client, statements.appendPrecheck, [streamId, eventIds]);
      const currentVersion = rows[0].current_version;
      const stored = new Map(rows[0].stored.map((row) => [row.eventId.toLowerCase(), row]));

      if (events.length > 0 && stored.size === events.length) {
        await client.query('ROLLBACK');
        return { result: replayedAppend(streamId, currentVersion, [...stored.values()]) };
      }
      assertExpectedVersion(streamId, expectedVersion, currentVersion);
      const fresh = events.filter((event) => !stored.has(event.eventId.toLowerCase()));
      if (fresh.length === 0) {
        await client.query('ROLLBACK');
        return { result: { nextExpectedVersion: currentVersion } };
      }

      const positions: { transaction_id: string; global_position: string }[] = [];
      for (let start = 0; start < fresh.length; start += this.insertChunkSize) {
        const chunk = this.rowsOf(fresh.slice(start, start + this.insertChunkSize), currentVersion + start);
        const inserted = await this.run<{ transaction_id: string; global_position: string }>(client, statements.insert, [streamId, JSON.stringify(chunk)]);
        positions.push(...inserted.rows);
      }
      await client.query('COMMIT');
      return { result: { nextExpectedVersion: currentVersion + fresh.length, lastPosition: lastPositionOf(positions) } };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        // the connection is unusable: hand it back broken so the pool replaces it
        client.release(rollbackError);
        released = true;
      });
      const constraint = uniqueViolation(error);
      if (constraint === STREAM_VERSION_CONSTRAINT) return { raced: 'streamVersion' };
      if (constraint === EVENT_ID_CONSTRAINT) return { raced: 'eventId' };
      throw error;
    } finally {
      if (!released) client.release();
    }
  }

  /**
   * Appends inside a transaction the caller holds open: the events commit with it, and signal
   * the relay then, or not at all. For a writer that serialises the appends of its streams itself
   * (it holds a lock every writer of the stream takes first): the stream must be at
   * `expectedVersion`, else WrongExpectedVersionError with nothing written and the transaction
   * still usable. An event id stored already fails the statement (a unique violation), which
   * aborts the caller's transaction: roll back and start again from a fresh read.
   */
  async appendIn<E extends DomainEvent>(query: TransactionQuery, streamId: string, events: readonly NewEvent<E>[], { expectedVersion }: { expectedVersion: number | 'noStream' }): Promise<AppendResult> {
    assertAppendable(streamId, events);
    const base = expectedVersion === 'noStream' ? 0 : expectedVersion;
    if (events.length === 0) return { nextExpectedVersion: base };
    const outcome = await this.insertAtVersion(query, streamId, events, base);
    if ('result' in outcome) return outcome.result;
    const [{ current_version }] = await query<{ current_version: number }>(statements.streamVersion.text, [streamId], statements.streamVersion.name);
    throw new WrongExpectedVersionError(streamId, expectedVersion, current_version);
  }

  /**
   * `appendIn` for many streams at once, in one statement: every stream must be at its expected
   * version, else nothing is inserted (for any of them) and WrongExpectedVersionError names the
   * first that was not, with the transaction still usable. The events enter the global log in the
   * order given. A stream may appear once. An event id stored already, or a concurrent twin
   * appending to one of the streams, fails the statement (a unique violation), which aborts the
   * caller's transaction. Returns each stream's result, in the order given.
   */
  async appendToStreamsIn<E extends DomainEvent>(query: TransactionQuery, appends: readonly StreamAppend<E>[]): Promise<AppendResult[]> {
    const rows: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const { streamId, events, expectedVersion } of appends) {
      assertAppendable(streamId, events);
      if (seen.has(streamId)) throw new Error(`stream ${streamId} appears twice in one multi-stream append`);
      seen.add(streamId);
      const base = expectedVersion === 'noStream' ? 0 : expectedVersion;
      for (const row of this.rowsOf(events, base)) rows.push({ ...row, seq: rows.length, stream_id: streamId, base });
    }
    if (rows.length === 0) return appends.map(({ expectedVersion }) => ({ nextExpectedVersion: expectedVersion === 'noStream' ? 0 : expectedVersion }));
    const { text, name } = statements.insertOfStreams;
    const result = await query<{ moved: boolean; stream_id: string; transaction_id: string | null; global_position: string | null }>(text, [JSON.stringify(rows)], name);
    const moved = result.find((row) => row.moved);
    if (moved) {
      const { expectedVersion } = appends.find(({ streamId }) => streamId === moved.stream_id) as StreamAppend<E>;
      const [{ current_version }] = await query<{ current_version: number }>(statements.streamVersion.text, [moved.stream_id], statements.streamVersion.name);
      throw new WrongExpectedVersionError(moved.stream_id, expectedVersion, current_version);
    }
    const positions = new Map<string, { transaction_id: string; global_position: string }[]>();
    for (const row of result) {
      const stream = positions.get(row.stream_id) ?? [];
      stream.push({ transaction_id: row.transaction_id as string, global_position: row.global_position as string });
      positions.set(row.stream_id, stream);
    }
    return appends.map(({ streamId, events, expectedVersion }) => ({
      nextExpectedVersion: (expectedVersion === 'noStream' ? 0 : expectedVersion) + events.length,
      lastPosition: lastPositionOf(positions.get(streamId) ?? []),
    }));
  }

  /** `appendToStreamsIn` as a statement of its own (one statement: all or nothing by itself). */
  appendToStreams<E extends DomainEvent>(appends: readonly StreamAppend<E>[]): Promise<AppendResult[]> {
    return this.appendToStreamsIn(this.queryOn(this.pool), appends);
  }

  /** `readStream` of many streams in one statement: each id's events and version (0: no stream). */
  readStreams<E extends DomainEvent = DomainEvent>(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult<E>>> {
    return this.readStreamsIn(this.queryOn(this.pool), streamIds);
  }

  /**
   * Each stream's events after the version given for it (0: all of them), in one statement: what a
   * caller that keeps states (see StreamStateCache) needs to bring them up to date. The result's
   * `currentVersion` is the last event's version, or the version given when nothing came after.
   */
  readStreamsAfter<E extends DomainEvent = DomainEvent>(after: ReadonlyMap<string, number>): Promise<Map<string, ReadStreamResult<E>>> {
    return this.readStreamsAfterIn(this.queryOn(this.pool), after);
  }

  /** Each stream's snapshot of `kind` (see snapshots in event-store-sql), none for those without one. */
  async readSnapshots<State>(kind: string, streamIds: readonly string[]): Promise<Map<string, StreamSnapshot<State>>> {
    const snapshots = new Map<string, StreamSnapshot<State>>();
    if (streamIds.length === 0) return snapshots;
    const { rows } = await this.run<{ stream_id: string; stream_version: number; state: State }>(this.pool, statements.readSnapshots, [streamIds, kind]);
    for (const row of rows) snapshots.set(row.stream_id, { version: row.stream_version, state: row.state });
    return snapshots;
  }

  /**
   * Keeps these states as the streams' snapshots of `kind`, in one statement, each unless the
   * stream has a newer one of that kind. A state must be the stream's folded to exactly that
   * version, as stored (committed): a snapshot is trusted as the history up to it.
   */
  async saveSnapshots<State>(kind: string, snapshots: ReadonlyMap<string, StreamSnapshot<State>>): Promise<void> {
    if (snapshots.size === 0) return;
    const rows = [...snapshots].map(([streamId, { version, state }]) => ({ stream_id: streamId, stream_version: version, state }));
    await this.run(this.pool, statements.saveSnapshots, [kind, JSON.stringify(rows)]);
  }

  /** `readStreams` inside a transaction the caller holds open: it sees what the transaction wrote. */
  readStreamsIn<E extends DomainEvent = DomainEvent>(query: TransactionQuery, streamIds: readonly string[]): Promise<Map<string, ReadStreamResult<E>>> {
    return this.readStreamsAfterIn(query, new Map(streamIds.map((streamId) => [streamId, 0])));
  }

  private async readStreamsAfterIn<E extends DomainEvent>(query: TransactionQuery, after: ReadonlyMap<string, number>): Promise<Map<string, ReadStreamResult<E>>> {
    const read = new Map<string, ReadStreamResult<E>>([...after].map(([streamId, version]) => [streamId, { events: [], currentVersion: version }]));
    if (read.size === 0) return read;
    const { text, name } = statements.readStreamsAfter;
    const rows = await query<StoredRow>(text, [[...after.keys()], [...after.values()]], name);
    for (const row of rows) {
      const stream = read.get(row.stream_id) as ReadStreamResult<E>;
      const event = this.toStoredEvent<E>(row);
      stream.events.push(event);
      stream.currentVersion = event.streamVersion;
    }
    return read;
  }

  /** `readStream` inside a transaction the caller holds open: it sees what the transaction wrote. */
  async readStreamIn<E extends DomainEvent = DomainEvent>(query: TransactionQuery, streamId: string): Promise<ReadStreamResult<E>> {
    const { text, name } = statements.readStream;
    const events = (await query<StoredRow>(text, [streamId, 1], name)).map((row) => this.toStoredEvent<E>(row));
    return { events, currentVersion: events.at(-1)?.streamVersion ?? 0 };
  }

  async readStream<E extends DomainEvent = DomainEvent>(streamId: string, { from = 1 }: ReadStreamOptions = {}): Promise<ReadStreamResult<E>> {
    const { rows } = await this.run<StoredRow>(this.pool, statements.readStream, [streamId, from]);
    const events = rows.map((row) => this.toStoredEvent<E>(row));
    const currentVersion = events.length > 0 ? events[events.length - 1].streamVersion : from > 1 ? await this.currentVersion(streamId) : 0;
    return { events, currentVersion };
  }

  async readAll<E extends DomainEvent = DomainEvent>({ after, limit }: ReadAllOptions): Promise<ReadAllBatch<E>> {
    const { rows } = await this.run<StoredRow>(this.pool, statements.readAll, [after.transactionId, after.globalPosition, limit]);
    const events = rows.map((row) => this.toStoredEvent<E>(row));
    return { events, checkpoint: events.length > 0 ? events[events.length - 1].position : after };
  }

  async backlogAfter(checkpoint: GlobalCheckpoint): Promise<Backlog> {
    const { rows } = await this.pool.query<{ events: number; oldest_stored_at: Date | null }>(backlogSql, [
      checkpoint.transactionId,
      checkpoint.globalPosition,
    ]);
    return { events: rows[0].events, oldestStoredAt: rows[0].oldest_stored_at };
  }

  async storedAfter(checkpoint: GlobalCheckpoint): Promise<boolean> {
    const { rows } = await this.run<{ stored: number }>(this.pool, statements.storedAfter, [checkpoint.transactionId, checkpoint.globalPosition]);
    return rows.length > 0;
  }

  private async currentVersion(streamId: string): Promise<number> {
    const { rows } = await this.run<{ current_version: number }>(this.pool, statements.streamVersion, [streamId]);
    return rows[0].current_version;
  }

  private run<Row extends QueryResultRow>(on: Pool | PoolClient, statement: NamedStatement, values: unknown[]): Promise<QueryResult<Row>> {
    return runStatement<Row>(on, statement, values, this.prepared);
  }

  /** A pool's or a client's `query` as a TransactionQuery, naming the statements it is told to. */
  private queryOn(on: Pool | PoolClient): TransactionQuery {
    return async <Row>(text: string, parameters: unknown[], name?: string) =>
      (name ? await this.run(on, namedStatement(name, text), parameters) : await on.query(text, parameters)).rows as Row[];
  }

  private toStoredEvent<E extends DomainEvent>(row: StoredRow): StoredEvent<E> {
    const event = this.upcasting.upcast({ type: row.event_type, schemaVersion: row.schema_version, data: row.data });
    return {
      eventId: row.event_id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: row.metadata,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      position: { transactionId: row.transaction_id, globalPosition: row.global_position },
      storedAt: row.created_at.toISOString(),
    } as StoredEvent<E>;
  }
}

/** Positions come from one sequence inside one transaction: the largest is the last. */
function lastPositionOf(rows: readonly { transaction_id: string; global_position: string }[]): GlobalCheckpoint | undefined {
  let last: GlobalCheckpoint | undefined;
  for (const row of rows) {
    if (!last || BigInt(row.global_position) > BigInt(last.globalPosition)) last = { transactionId: row.transaction_id, globalPosition: row.global_position };
  }
  return last;
}

/** The result the original append returned, rebuilt from the rows it stored. */
function replayedAppend(streamId: string, currentVersion: number, stored: AlreadyStored[]): AppendResult {
  const inStream = stored.filter((row) => row.streamId === streamId);
  if (inStream.length === 0) return { nextExpectedVersion: currentVersion, replayed: true };
  const last = inStream.reduce((a, b) => (a.streamVersion > b.streamVersion ? a : b));
  return { nextExpectedVersion: last.streamVersion, lastPosition: { transactionId: last.transactionId, globalPosition: last.globalPosition }, replayed: true };
}

/**
 * An append of a multi-stream batch (appendToStreamsIn) lost to a concurrent writer: a stream was
 * not at its expected version, or a twin won a stream version or an event id. Nothing of the batch
 * is stored; running its commands one by one (which read again) settles it.
 */
export function isLostAppendRace(error: unknown): boolean {
  const constraint = uniqueViolation(error);
  return error instanceof WrongExpectedVersionError || constraint === STREAM_VERSION_CONSTRAINT || constraint === EVENT_ID_CONSTRAINT;
}

function uniqueViolation(error: unknown): string | undefined {
  const failure = error as { code?: string; constraint?: string };
  return failure?.code === '23505' ? failure.constraint : undefined;
}
