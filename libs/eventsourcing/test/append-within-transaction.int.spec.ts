// PostgresEventStore.appendWithinTransaction: writes made while building the events commit with
// them or not at all. The case it exists for: a number taken from a counter row in the same
// transaction as the event that carries it stays continuous, whatever fails or races.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PostgresEventStore, WrongExpectedVersionError, type NewEvent } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { metadataFor } from './sample-events';

type NumberedEvent = { type: 'DocumentNumbered'; data: { documentId: string; sequence: number } };

describe('PostgreSQL event store: appendWithinTransaction', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_within_tx', 12);
    store = new PostgresEventStore(database.pool);
    await database.pool.query(`CREATE TABLE counters (name text PRIMARY KEY, last_number integer NOT NULL)`);
    await database.pool.query(`CREATE TABLE side_effects (stream_id text PRIMARY KEY)`);
  });
  afterAll(() => database?.drop());

  /** Takes the counter's next number in the append's transaction (the row lock is held until it ends). */
  const numbered = (counter: string, documentId: string, eventId = randomUUID()) => async (client: PoolClient) => {
    const { rows } = await client.query<{ last_number: number }>(
      `INSERT INTO counters (name, last_number) VALUES ($1, 1)
       ON CONFLICT (name) DO UPDATE SET last_number = counters.last_number + 1
       RETURNING last_number`,
      [counter],
    );
    const event: NewEvent<NumberedEvent> = { eventId, type: 'DocumentNumbered', data: { documentId, sequence: rows[0].last_number }, metadata: metadataFor('customer-1') };
    return [event];
  };

  const counterValue = async (counter: string) =>
    (await database.pool.query<{ last_number: number }>('SELECT last_number FROM counters WHERE name = $1', [counter])).rows[0]?.last_number ?? 0;

  it("commits the builder's writes and the events together", async () => {
    const streamId = `document-${randomUUID()}`;
    const result = await store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, async (client) => {
      await client.query('INSERT INTO side_effects (stream_id) VALUES ($1)', [streamId]);
      return numbered(`together-${streamId}`, streamId)(client);
    });

    expect(result.nextExpectedVersion).toBe(1);
    expect((await store.readStream<NumberedEvent>(streamId)).events.map((event) => event.data.sequence)).toEqual([1]);
    expect((await database.pool.query('SELECT 1 FROM side_effects WHERE stream_id = $1', [streamId])).rowCount).toBe(1);
  });

  it('rolls back the builder’s writes when the builder throws, and the error reaches the caller', async () => {
    const streamId = `document-${randomUUID()}`;
    const counter = `failing-${streamId}`;
    await expect(
      store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, async (client) => {
        await numbered(counter, streamId)(client);
        throw new Error('tax could not be computed');
      }),
    ).rejects.toThrow('tax could not be computed');

    expect(await counterValue(counter)).toBe(0);
    expect((await store.readStream(streamId)).currentVersion).toBe(0);
  });

  it('rolls back the number taken when the stream is not at the expected version', async () => {
    const streamId = `document-${randomUUID()}`;
    const counter = `conflict-${streamId}`;
    await store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, numbered(counter, streamId));

    await expect(store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, numbered(counter, streamId))).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await counterValue(counter)).toBe(1);
  });

  it('commits nothing for a repeat whose event ids are stored already (its number is released)', async () => {
    const streamId = `document-${randomUUID()}`;
    const counter = `repeat-${streamId}`;
    const eventId = randomUUID();
    const first = await store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, numbered(counter, streamId, eventId));
    const repeat = await store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, numbered(counter, streamId, eventId));

    expect(repeat).toEqual({ ...first, replayed: true });
    expect(await counterValue(counter)).toBe(1);
    expect((await store.readStream(streamId)).currentVersion).toBe(1);
  });

  it('commits nothing when the builder decides no event', async () => {
    const counter = `nothing-${randomUUID()}`;
    const result = await store.appendWithinTransaction(`document-${randomUUID()}`, { expectedVersion: 'noStream' }, async (client) => {
      await numbered(counter, 'x')(client);
      return [];
    });
    expect(result.nextExpectedVersion).toBe(0);
    expect(await counterValue(counter)).toBe(0);
  });

  it('numbers concurrent appends continuously, in commit order, with the failed ones leaving no gap', async () => {
    const counter = `series-${randomUUID()}`;
    const documents = Array.from({ length: 60 }, (_, index) => ({ documentId: randomUUID(), fails: index % 7 === 3 }));

    const outcomes = await Promise.allSettled(
      documents.map(({ documentId, fails }) =>
        store.appendWithinTransaction(`document-${documentId}`, { expectedVersion: 'noStream' }, async (client) => {
          const events = await numbered(counter, documentId)(client);
          if (fails) throw new Error(`document ${documentId} refused after taking its number`);
          return events;
        }),
      ),
    );

    const committed = documents.filter((document) => !document.fails);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(committed.length);
    const streams = committed.map(({ documentId }) => `document-${documentId}`);
    const sequencesIn = async (order: string) =>
      (
        await database.pool.query<{ sequence: number }>(
          `SELECT (data->>'sequence')::int AS sequence FROM event_store.events WHERE stream_id = ANY ($1) ORDER BY ${order}`,
          [streams],
        )
      ).rows.map((row) => row.sequence);
    // continuous: exactly 1..n, each once; chronological: the order of the log (by position, and
    // the order readAll and the outbox relay follow) is the order of the numbers
    const oneToN = Array.from({ length: committed.length }, (_, index) => index + 1);
    expect(await sequencesIn('global_position')).toEqual(oneToN);
    expect(await sequencesIn('transaction_id, global_position')).toEqual(oneToN);
    expect(await counterValue(counter)).toBe(committed.length);
  });
});
