// The PostgreSQL event store: the shared contract, and what only PostgreSQL has to prove — the
// migrations, multi-statement batches, NOTIFY, and a log that never skips a late commit.
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { EVENT_APPENDED_CHANNEL, PostgresEventStore, initialCheckpoint, type StoredEvent } from '../src';
import { storedAfterSql } from '../src/postgres/event-store-sql';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { eventStoreContractSuite } from './event-store-contract';
import { renewModeChanged, serviceActivated, serviceHistory } from './sample-events';

eventStoreContractSuite('PostgreSQL event store contract', async () => {
  const database = await createEventStoreDatabase('es_contract');
  return { store: new PostgresEventStore(database.dataSource), close: () => database.drop() };
});

eventStoreContractSuite('PostgreSQL event store contract, without prepared statements', async () => {
  const database = await createEventStoreDatabase('es_contract_plain');
  return { store: new PostgresEventStore(database.dataSource, { preparedStatements: false }), close: () => database.drop() };
});

describe('PostgreSQL event store', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_postgres', 8);
    store = new PostgresEventStore(database.pool);
  });
  afterAll(() => database?.drop());

  it('is created by TypeORM migrations recorded in typeorm_migrations', async () => {
    const { rows } = await database.pool.query<{ name: string }>('SELECT name FROM typeorm_migrations ORDER BY id');
    expect(rows.map((row) => row.name)).toEqual(['CreateEventStore1700000000000', 'CreateOutboxCheckpoints1700000000001', 'CreateSnapshots1700000000002', 'KeyEventsByGlobalOrder1700000000003']);
    const { rows: columns } = await database.pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'event_store' AND table_name = 'events'`,
    );
    expect(Object.fromEntries(columns.map((column) => [column.column_name, column.data_type]))).toMatchObject({
      global_position: 'bigint',
      transaction_id: 'xid8',
      event_id: 'uuid',
      data: 'jsonb',
      metadata: 'jsonb',
    });
  });

  it('is keyed by the global order, with one index per way it is read and no other', async () => {
    const { rows } = await database.pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'event_store' AND tablename = 'events' ORDER BY indexname`);
    expect(rows.map((row) => row.indexdef.replace(/^.* USING btree /, ''))).toEqual(['(event_id)', '(transaction_id, global_position)', '(stream_id, stream_version)']);
    const { rows: key } = await database.pool.query<{ name: string }>(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'event_store.events'::regclass AND contype = 'p'`,
    );
    expect(key).toEqual([{ name: 'events_global_order' }]);
  });

  it('stores every event of a large append in one transaction, over several INSERT statements', async () => {
    const chunked = new PostgresEventStore(database.pool, { insertChunkSize: 7 });
    const streamId = `service-${randomUUID()}`;
    const events = serviceHistory(streamId, 30);

    const result = await chunked.append(streamId, events, { expectedVersion: 'noStream' });

    expect(result.nextExpectedVersion).toBe(30);
    const { rows } = await database.pool.query<{ transactions: number; versions: number[] }>(
      `SELECT count(DISTINCT transaction_id)::int AS transactions, array_agg(stream_version ORDER BY global_position) AS versions
         FROM event_store.events WHERE stream_id = $1`,
      [streamId],
    );
    expect(rows[0]).toEqual({ transactions: 1, versions: Array.from({ length: 30 }, (_, i) => i + 1) });
    expect(result.lastPosition?.globalPosition).toBe((await chunked.readStream(streamId)).events[29].position.globalPosition);
  });

  it('drops the ids already stored from a partly new batch and appends the rest', async () => {
    const streamId = `service-${randomUUID()}`;
    const [activated, changed] = serviceHistory(streamId, 2);
    await store.append(streamId, [activated], { expectedVersion: 'noStream' });

    await expect(store.append(streamId, [activated, changed], { expectedVersion: 1 })).resolves.toMatchObject({ nextExpectedVersion: 2 });
    expect((await store.readStream(streamId)).events.map((event) => event.eventId)).toEqual([activated.eventId, changed.eventId]);
  });

  it('stores an event id once when the same append races itself', async () => {
    const streamId = `service-${randomUUID()}`;
    const events = serviceHistory(streamId, 3);

    const results = await Promise.all(Array.from({ length: 6 }, () => store.append(streamId, events, { expectedVersion: 'noStream' })));

    expect(new Set(results.map((result) => result.nextExpectedVersion))).toEqual(new Set([3]));
    expect((await store.readStream(streamId)).currentVersion).toBe(3);
  });

  it('keeps versions contiguous when concurrent writers append with any', async () => {
    const streamId = `service-${randomUUID()}`;
    await Promise.all(Array.from({ length: 8 }, () => store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 'any' })));
    expect((await store.readStream(streamId)).events.map((event) => event.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('appends after the version it read in one statement, and checks a stale or repeated append before refusing or replaying it', async () => {
    const statements: string[] = [];
    const query = database.pool.query.bind(database.pool);
    const counting = Object.assign(Object.create(database.pool), {
      query: (...args: Parameters<typeof query>) => {
        statements.push(String(typeof args[0] === 'string' ? args[0] : ''));
        return query(...args);
      },
    });
    const optimistic = new PostgresEventStore(counting);
    const streamId = `service-${randomUUID()}`;
    const [activated, changed] = serviceHistory(streamId, 2);

    await expect(optimistic.append(streamId, [activated], { expectedVersion: 'noStream' })).resolves.toMatchObject({ nextExpectedVersion: 1 });
    await expect(optimistic.append(streamId, [changed], { expectedVersion: 1 })).resolves.toMatchObject({ nextExpectedVersion: 2 });
    expect(statements).toHaveLength(2);

    // a repeat of the first append: the guard stops it, the checked append finds it stored
    await expect(optimistic.append(streamId, [activated], { expectedVersion: 'noStream' })).resolves.toEqual({
      nextExpectedVersion: 1,
      lastPosition: expect.objectContaining({ globalPosition: expect.any(String) }),
      replayed: true,
    });
    await expect(optimistic.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 1 })).rejects.toMatchObject({ expected: 1, actual: 2 });
    expect((await store.readStream(streamId)).events.map((event) => event.eventId)).toEqual([activated.eventId, changed.eventId]);
  });

  it('prepares its hot statements once per connection, or none when told not to', async () => {
    const preparedOn = async (options: { preparedStatements: boolean }) => {
      // one connection: the session whose prepared statements are listed is the store's
      const single = new Pool({ connectionString: database.url, max: 1 });
      try {
        const own = new PostgresEventStore(single, options);
        const streamId = `service-${randomUUID()}`;
        const [activated, changed] = serviceHistory(streamId, 2);
        await own.append(streamId, [activated], { expectedVersion: 'noStream' });
        await own.append(streamId, [changed], { expectedVersion: 1 });
        await own.readStream(streamId);
        await own.readAll({ after: initialCheckpoint, limit: 10 });
        const { rows } = await single.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
        return rows.map((row) => row.name);
      } finally {
        await single.end();
      }
    };
    await expect(preparedOn({ preparedStatements: true })).resolves.toEqual(['event_store_insert_at_version', 'event_store_read_all', 'event_store_read_stream']);
    await expect(preparedOn({ preparedStatements: false })).resolves.toEqual([]);
  });

  it('notifies its channel when an append commits, and not when one is refused', async () => {
    const listener = new Client({ connectionString: database.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (message) => notified.push(message.payload ?? ''));
    await listener.query(`LISTEN ${EVENT_APPENDED_CHANNEL}`);
    try {
      const streamId = `service-${randomUUID()}`;
      await store.append(streamId, [serviceActivated(streamId)], { expectedVersion: 'noStream' });
      await store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 'noStream' }).catch(() => undefined);
      await store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 1 });
      // a round trip on the listener's connection delivers what is queued for it
      await listener.query('SELECT 1');
      expect(notified.filter((payload) => payload === streamId)).toHaveLength(2);
    } finally {
      await listener.end();
    }
  });

  describe('gap safety of the global log', () => {
    async function insertRaw(client: Client, streamId: string): Promise<string> {
      const event = serviceActivated(streamId);
      await client.query(
        `INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
         VALUES ($1, 1, $2, $3, 1, $4, $5)`,
        [streamId, event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      );
      return event.eventId;
    }

    async function readToEnd(after = initialCheckpoint): Promise<{ events: StoredEvent[]; checkpoint: typeof after }> {
      const events: StoredEvent[] = [];
      let checkpoint = after;
      for (;;) {
        const batch = await store.readAll({ after: checkpoint, limit: 50 });
        events.push(...batch.events);
        checkpoint = batch.checkpoint;
        if (batch.events.length < 50) return { events, checkpoint };
      }
    }

    it("is not held back by a long transaction of another database of the cluster (another service's), only by its own", async () => {
      const other = await createEventStoreDatabase('es_other_database', 1);
      const elsewhere = new Client({ connectionString: other.url });
      const here = new Client({ connectionString: database.url });
      await Promise.all([elsewhere.connect(), here.connect()]);
      try {
        const { checkpoint: start } = await readToEnd();
        // a transaction of the other database holding an xid, older than everything appended below
        await elsewhere.query('BEGIN');
        await insertRaw(elsewhere, `service-${randomUUID()}`);
        const appended = `service-${randomUUID()}`;
        await store.append(appended, [serviceActivated(appended)], { expectedVersion: 'noStream' });
        expect((await readToEnd(start)).events.map((event) => event.streamId)).toContain(appended);

        // the same in this database holds the log back until it ends
        await here.query('BEGIN');
        const late = await insertRaw(here, `service-${randomUUID()}`);
        const after = `service-${randomUUID()}`;
        await store.append(after, [serviceActivated(after)], { expectedVersion: 'noStream' });
        const whileOpen = await readToEnd(start);
        expect(whileOpen.events.map((event) => event.streamId)).not.toContain(after);
        await here.query('COMMIT');
        expect((await readToEnd(whileOpen.checkpoint)).events.map((event) => event.eventId)).toEqual([late, expect.any(String)]);
      } finally {
        await elsewhere.query('ROLLBACK').catch(() => undefined);
        await Promise.all([elsewhere.end(), here.end()]);
        await other.drop();
      }
    });

    it('reads in transaction id order where the ids cross a power of ten, and skips none of them', async () => {
      // the ids are set by hand, below any transaction a cluster runs after initdb (a fresh one is
      // only a few hundred ids in, so 999 could still be running): 10 took its position first
      const own = await createEventStoreDatabase('es_xid_digits', 1);
      const ownStore = new PostgresEventStore(own.pool);
      try {
        const inserted: string[] = [];
        for (const transactionId of ['10', '9', '8']) {
          const streamId = `service-${randomUUID()}`;
          const event = serviceActivated(streamId);
          await own.pool.query(
            `INSERT INTO event_store.events (transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
             VALUES ($1::xid8, $2, 1, $3, $4, 1, $5, $6)`,
            [transactionId, streamId, event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
          );
          inserted.push(event.eventId);
        }
        // two by two: the first batch's checkpoint must not pass over the third event
        const read: StoredEvent[] = [];
        let checkpoint = initialCheckpoint;
        for (let batch = await ownStore.readAll({ after: checkpoint, limit: 2 }); batch.events.length > 0; batch = await ownStore.readAll({ after: checkpoint, limit: 2 })) {
          read.push(...batch.events);
          checkpoint = batch.checkpoint;
        }
        expect(read.map((event) => event.position.transactionId)).toEqual(['8', '9', '10']);
        expect(read.map((event) => event.eventId)).toEqual([...inserted].reverse());
      } finally {
        await own.drop();
      }
    });

    it('returns an event whose transaction took its position first but committed last, where ordering by position alone skips it', async () => {
      const early = new Client({ connectionString: database.url });
      await early.connect();
      try {
        const { checkpoint: start } = await readToEnd();
        const { rows } = await database.pool.query<{ position: string }>('SELECT coalesce(max(global_position), 0)::text AS position FROM event_store.events');
        let naivePosition = rows[0].position;

        await early.query('BEGIN');
        const lateEvent = await insertRaw(early, `service-${randomUUID()}`);
        const laterStream = `service-${randomUUID()}`;
        await store.append(laterStream, [serviceActivated(laterStream)], { expectedVersion: 'noStream' });

        // a reader ordering by global position sees the later commit and moves past the open one
        const naive = await database.pool.query<{ event_id: string; global_position: string }>(
          'SELECT event_id, global_position::text FROM event_store.events WHERE global_position > $1 ORDER BY global_position',
          [naivePosition],
        );
        naivePosition = naive.rows[naive.rows.length - 1].global_position;
        const whileOpen = await readToEnd(start);
        expect(whileOpen.events.map((event) => event.streamId)).not.toContain(laterStream);

        await early.query('COMMIT');
        const naiveAfter = await database.pool.query('SELECT event_id FROM event_store.events WHERE global_position > $1', [naivePosition]);
        expect(naiveAfter.rows.map((row) => row.event_id)).not.toContain(lateEvent);

        const afterCommit = await readToEnd(whileOpen.checkpoint);
        expect(afterCommit.events.map((event) => event.eventId)).toEqual([lateEvent, expect.any(String)]);
        expect(afterCommit.events[1].streamId).toBe(laterStream);
      } finally {
        await early.end();
      }
    });
  });
});

describe('what is stored after a checkpoint (the relay asks after every batch short of full)', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  const stored = 30_000;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_stored_after');
    store = new PostgresEventStore(database.pool);
    // many events and no statistics: the table as autovacuum has not analysed it yet (or never will, when it is off)
    await database.pool.query(
      `INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
       SELECT 'service-' || n, 1, gen_random_uuid(), 'ServiceActivated', 1, '{}'::jsonb, '{}'::jsonb FROM generate_series(1, $1::int) AS n`,
      [stored],
    );
  }, 60_000);
  afterAll(() => database?.drop());

  /** The checkpoint of the event that has `following` events after it in the log. */
  async function checkpointWith(following: number) {
    const { rows } = await database.pool.query<{ transaction_id: string; global_position: string }>(
      `SELECT e.transaction_id::text, e.global_position::text FROM event_store.events e
        ORDER BY e.transaction_id, e.global_position OFFSET $1 LIMIT 1`,
      [stored - following - 1],
    );
    return { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position };
  }

  it('walks the index from the checkpoint, whatever the statistics say, in a custom or a generic plan', async () => {
    const checkpoint = await checkpointWith(20);
    const client = await database.pool.connect();
    try {
      const custom = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${storedAfterSql}`, [checkpoint.transactionId, checkpoint.globalPosition]);
      await client.query(`PREPARE stored_after_plan(xid8, bigint) AS ${storedAfterSql}`);
      await client.query(`SET plan_cache_mode = force_generic_plan`);
      const generic = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) EXECUTE stored_after_plan('${checkpoint.transactionId}', ${checkpoint.globalPosition})`);
      for (const plan of [custom, generic].map(({ rows }) => JSON.stringify(rows[0]['QUERY PLAN']))) {
        expect(plan).toContain('"Index Name":"events_global_order"');
        expect(plan).not.toContain('Seq Scan');
      }
    } finally {
      await client.query('DEALLOCATE ALL; RESET plan_cache_mode').catch(() => undefined);
      client.release();
    }
  });

  it('says whether anything follows the checkpoint; the backlog counts it', async () => {
    expect(await store.storedAfter(await checkpointWith(20))).toBe(true);
    expect(await store.storedAfter(initialCheckpoint)).toBe(true);
    expect(await store.storedAfter(await checkpointWith(0))).toBe(false);
    expect((await store.backlogAfter(await checkpointWith(20))).events).toBe(20);
  });
});
