// PostgresEventStore.appendIn / readStreamIn: events appended inside a transaction the caller
// holds open commit with its rows, or not at all; the transaction reads its own appends; a stale
// version is refused without spoiling the transaction; the relay hears of it only at commit.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PostgresEventStore, WrongExpectedVersionError, type NewEvent, type TransactionQuery } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { metadataFor } from './sample-events';

type NoteEvent = { type: 'NoteTaken'; data: { text: string } };

const note = (text: string): NewEvent<NoteEvent> => ({ eventId: randomUUID(), type: 'NoteTaken', data: { text }, metadata: metadataFor('customer-1') });

describe('PostgreSQL event store: appendIn, within the caller’s transaction', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_append_in', 6);
    store = new PostgresEventStore(database.pool);
    await database.pool.query(`CREATE TABLE notebook (stream_id text PRIMARY KEY, notes integer NOT NULL)`);
  });
  afterAll(() => database?.drop());

  const queryOf =
    (client: PoolClient): TransactionQuery =>
    async <Row>(text: string, parameters: unknown[]) =>
      (await client.query(text, parameters)).rows as Row[];

  /** Runs `work` in a transaction of its own connection, committed unless `rollback`. */
  async function inTransaction<T>(work: (query: TransactionQuery) => Promise<T>, rollback = false): Promise<T> {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(queryOf(client));
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  it('commits the events with the rows of the transaction, and reads them back inside it', async () => {
    const streamId = `notes-${randomUUID()}`;
    await inTransaction(async (query) => {
      await query('INSERT INTO notebook (stream_id, notes) VALUES ($1, 2)', [streamId]);
      expect(await store.appendIn(query, streamId, [note('one'), note('two')], { expectedVersion: 'noStream' })).toMatchObject({ nextExpectedVersion: 2 });
      // the transaction sees its own appends; others do not, until it commits
      expect((await store.readStreamIn<NoteEvent>(query, streamId)).events.map((event) => event.data.text)).toEqual(['one', 'two']);
      expect((await store.readStream(streamId)).events).toEqual([]);
    });
    expect((await store.readStream<NoteEvent>(streamId)).events.map((event) => [event.streamVersion, event.data.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('appends nothing when the transaction rolls back', async () => {
    const streamId = `notes-${randomUUID()}`;
    await inTransaction(async (query) => {
      await query('INSERT INTO notebook (stream_id, notes) VALUES ($1, 1)', [streamId]);
      await store.appendIn(query, streamId, [note('forgotten')], { expectedVersion: 'noStream' });
    }, true);
    expect((await store.readStream(streamId)).currentVersion).toBe(0);
    expect((await database.pool.query('SELECT 1 FROM notebook WHERE stream_id = $1', [streamId])).rowCount).toBe(0);
  });

  it('refuses a stale expected version with nothing written, and the transaction goes on', async () => {
    const streamId = `notes-${randomUUID()}`;
    await store.append(streamId, [note('first')], { expectedVersion: 'noStream' });
    await inTransaction(async (query) => {
      const stale = store.appendIn(query, streamId, [note('second, on a stale read')], { expectedVersion: 'noStream' });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(stale).rejects.toMatchObject({ actual: 1 });
      // read again, decide again, on the same transaction
      const { currentVersion } = await store.readStreamIn(query, streamId);
      await store.appendIn(query, streamId, [note('second')], { expectedVersion: currentVersion });
    });
    expect((await store.readStream<NoteEvent>(streamId)).events.map((event) => event.data.text)).toEqual(['first', 'second']);
  });

  it('signals the relay when the transaction commits, not before', async () => {
    const listener = await database.pool.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(String(message.payload)));
    await listener.query(`LISTEN ${store.notificationChannel}`);
    try {
      const streamId = `notes-${randomUUID()}`;
      await inTransaction(async (query) => {
        await store.appendIn(query, streamId, [note('heard at commit')], { expectedVersion: 'noStream' });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(heard).not.toContain(streamId);
      });
      const deadline = Date.now() + 5_000;
      while (!heard.includes(streamId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toContain(streamId);
    } finally {
      await listener.query(`UNLISTEN ${store.notificationChannel}`);
      listener.release();
    }
  });
});
