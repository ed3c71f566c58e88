// PostgresEventStore.appendToStreamsIn / readStreams: many streams appended in one statement of
// the caller's transaction, all or none, in the global log in the order given; many streams read
// in one statement, whole or (readStreamsAfter) from where the caller left each.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PostgresEventStore, WrongExpectedVersionError, type NewEvent, type TransactionQuery } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { metadataFor } from './sample-events';

type NoteEvent = { type: 'NoteTaken'; data: { text: string } };

const note = (text: string): NewEvent<NoteEvent> => ({ eventId: randomUUID(), type: 'NoteTaken', data: { text }, metadata: metadataFor('customer-1') });

describe('PostgreSQL event store: appendToStreamsIn and readStreams', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_append_streams', 4);
    store = new PostgresEventStore(database.pool);
  });
  afterAll(() => database?.drop());

  const queryOf =
    (client: PoolClient): TransactionQuery =>
    async <Row>(text: string, parameters: unknown[]) =>
      (await client.query(text, parameters)).rows as Row[];

  async function inTransaction<T>(work: (query: TransactionQuery) => Promise<T>): Promise<T> {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(queryOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  it('reads each stream after the version given for it, in version order; a stream with nothing after keeps the version given', async () => {
    const [a, b, c] = [`notes-${randomUUID()}`, `notes-${randomUUID()}`, `notes-${randomUUID()}`];
    await store.append(a, [note('a1'), note('a2'), note('a3')], { expectedVersion: 'noStream' });
    await store.append(b, [note('b1'), note('b2')], { expectedVersion: 'noStream' });
    const read = await store.readStreamsAfter<NoteEvent>(new Map([[b, 0], [a, 1], [c, 0], [`notes-${randomUUID()}`, 4]]));
    expect([...read.values()].map(({ events, currentVersion }) => [currentVersion, events.map((event) => `${event.data.text}@${event.streamVersion}`)])).toEqual([
      [2, ['b1@1', 'b2@2']],
      [3, ['a2@2', 'a3@3']],
      [0, []],
      [4, []],
    ]);
    expect((await store.readStreamsAfter(new Map([[a, 3]]))).get(a)).toEqual({ events: [], currentVersion: 3 });
  });

  it('appends to new and existing streams at once, in the global log in the order given', async () => {
    const [a, b, c] = [`notes-${randomUUID()}`, `notes-${randomUUID()}`, `notes-${randomUUID()}`];
    await store.append(b, [note('b1')], { expectedVersion: 'noStream' });
    const results = await inTransaction((query) =>
      store.appendToStreamsIn<NoteEvent>(query, [
        { streamId: c, events: [note('c1'), note('c2')], expectedVersion: 'noStream' },
        { streamId: a, events: [note('a1')], expectedVersion: 'noStream' },
        { streamId: b, events: [note('b2')], expectedVersion: 1 },
      ]),
    );
    expect(results.map((result) => result.nextExpectedVersion)).toEqual([2, 1, 2]);

    const read = await store.readStreams<NoteEvent>([a, b, c, `notes-${randomUUID()}`]);
    expect([...read.values()].map(({ events, currentVersion }) => [currentVersion, events.map((event) => event.data.text)])).toEqual([
      [1, ['a1']],
      [2, ['b1', 'b2']],
      [2, ['c1', 'c2']],
      [0, []],
    ]);
    // one transaction, positions in the order given
    const appended = [...read.get(c)!.events, ...read.get(a)!.events, read.get(b)!.events[1]];
    expect(new Set(appended.map((event) => event.position.transactionId)).size).toBe(1);
    const positions = appended.map((event) => BigInt(event.position.globalPosition));
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    expect(results[0].lastPosition).toEqual(read.get(c)!.events[1].position);
  });

  it('appends nothing when one stream is not at its expected version, and the transaction goes on', async () => {
    const [fresh, taken] = [`notes-${randomUUID()}`, `notes-${randomUUID()}`];
    await store.append(taken, [note('first')], { expectedVersion: 'noStream' });
    await inTransaction(async (query) => {
      const stale = store.appendToStreamsIn<NoteEvent>(query, [
        { streamId: fresh, events: [note('lost')], expectedVersion: 'noStream' },
        { streamId: taken, events: [note('on a stale read')], expectedVersion: 'noStream' },
      ]);
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(stale).rejects.toMatchObject({ streamId: taken, actual: 1 });
      await store.appendToStreamsIn<NoteEvent>(query, [{ streamId: fresh, events: [note('kept')], expectedVersion: 'noStream' }]);
    });
    expect((await store.readStream<NoteEvent>(fresh)).events.map((event) => event.data.text)).toEqual(['kept']);
    expect((await store.readStream(taken)).currentVersion).toBe(1);
  });

  it('fails on an event id stored already, storing none of the batch', async () => {
    const stored = note('once');
    const [first, second] = [`notes-${randomUUID()}`, `notes-${randomUUID()}`];
    await store.append(first, [stored], { expectedVersion: 'noStream' });
    const twice = inTransaction((query) =>
      store.appendToStreamsIn<NoteEvent>(query, [
        { streamId: second, events: [note('new')], expectedVersion: 'noStream' },
        { streamId: `notes-${randomUUID()}`, events: [stored], expectedVersion: 'noStream' },
      ]),
    );
    await expect(twice).rejects.toMatchObject({ code: '23505' });
    expect((await store.readStream(second)).currentVersion).toBe(0);
  });

  it('refuses a stream named twice', async () => {
    const streamId = `notes-${randomUUID()}`;
    await expect(
      inTransaction((query) =>
        store.appendToStreamsIn<NoteEvent>(query, [
          { streamId, events: [note('one')], expectedVersion: 'noStream' },
          { streamId, events: [note('two')], expectedVersion: 'noStream' },
        ]),
      ),
    ).rejects.toThrow(/twice/);
  });

  it('signals the relay once the batch commits', async () => {
    const listener = await database.pool.connect();
    let heard = 0;
    listener.on('notification', () => heard++);
    await listener.query(`LISTEN ${store.notificationChannel}`);
    try {
      await inTransaction((query) =>
        store.appendToStreamsIn<NoteEvent>(query, [
          { streamId: `notes-${randomUUID()}`, events: [note('x')], expectedVersion: 'noStream' },
          { streamId: `notes-${randomUUID()}`, events: [note('y')], expectedVersion: 'noStream' },
        ]),
      );
      const deadline = Date.now() + 5_000;
      while (heard === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toBe(1);
    } finally {
      await listener.query(`UNLISTEN ${store.notificationChannel}`);
      listener.release();
    }
  });
});
