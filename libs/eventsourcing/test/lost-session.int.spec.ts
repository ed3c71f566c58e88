// A session the server ends under a checked-out client (pg_terminate_backend, a restart, a
// failover) while its transaction waits between two statements: pg reports it as an `error`
// event on the client, which nobody heard, and that killed the whole service (found by the
// chaos run: invoicing died while issuing an invoice). The append must fail like any lost
// connection, and the store carry on with a fresh connection.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore, type NewEvent } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { metadataFor } from './sample-events';

type Noted = { type: 'Noted'; data: { note: string } };

const noted = (note: string): NewEvent<Noted> => ({ eventId: randomUUID(), type: 'Noted', data: { note }, metadata: metadataFor('customer-1') });

describe('a PostgreSQL session terminated under an append', () => {
  let database: EventStoreDatabase;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_lost_session');
  });
  afterAll(() => database?.drop());

  async function terminate(pid: number): Promise<void> {
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }

  /** Until the client has heard that its session is gone (the `error` event, or its end). */
  const sessionGone = (client: { once(event: 'end', listener: () => void): unknown }) => new Promise<void>((resolve) => client.once('end', resolve));

  it.each([
    ['a pg Pool', () => new PostgresEventStore(database.pool)],
    ['a TypeORM DataSource', () => new PostgresEventStore(database.dataSource)],
  ])('given the store on %s, when the session of a waiting transaction is terminated, then that append fails and the next one succeeds', async (_, makeStore) => {
    const store = makeStore();
    const streamId = `stream-${randomUUID()}`;

    const failed = store.appendWithinTransaction(streamId, { expectedVersion: 'noStream' }, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // between two statements, as invoicing is while it numbers an invoice
      const gone = sessionGone(client as unknown as { once(event: 'end', listener: () => void): unknown });
      await terminate(rows[0].pid);
      await gone;
      return [noted('lost with its session')];
    });

    await expect(failed).rejects.toThrow(/terminat|Connection|not queryable/i);
    const result = await store.append(streamId, [noted('after the loss')], { expectedVersion: 'noStream' });
    expect(result.nextExpectedVersion).toBe(1);
    expect((await store.readStream<Noted>(streamId)).events.map((event) => event.data.note)).toEqual(['after the loss']);
  });
});
