// A store migrated before the events were keyed by the global order takes the new key with its
// events in place: read in the same order, appended to after, and taken back by the migration's down.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@billing/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { eventStoreMigrations, initialCheckpoint, PostgresEventStore } from '../src';
import { serviceHistory } from './sample-events';

describe('PostgreSQL event store: upgrading a store to the global-order key', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('es_upgrade');
    pool = new Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await pool?.end().catch(() => undefined);
    await database?.drop();
  });

  async function migrated<T>(migrations: readonly (typeof eventStoreMigrations)[number][], work: (dataSource: DataSource) => Promise<T>): Promise<T> {
    const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...migrations], migrationsTableName: 'typeorm_migrations' });
    await dataSource.initialize();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }

  const keyOf = async () =>
    (
      await pool.query<{ name: string; columns: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS columns FROM pg_constraint WHERE conrelid = 'event_store.events'::regclass AND contype = 'p'`,
      )
    ).rows;

  const allIds = async (store: PostgresEventStore) => (await store.readAll({ after: initialCheckpoint, limit: 1_000 })).events.map((event) => event.eventId);

  it('given events stored under the old key, when the migration runs, then they read in the same order and appends go on; down restores the old key', async () => {
    const earlier = eventStoreMigrations.filter((migration) => migration.name !== 'KeyEventsByGlobalOrder1700000000003');
    await migrated(earlier, (dataSource) => dataSource.runMigrations({ transaction: 'each' }));
    expect(await keyOf()).toEqual([{ name: 'events_pkey', columns: 'PRIMARY KEY (global_position)' }]);
    const store = new PostgresEventStore(pool);
    const streams = [`service-${randomUUID()}`, `service-${randomUUID()}`];
    for (const streamId of streams) await store.append(streamId, serviceHistory(streamId, 3), { expectedVersion: 'noStream' });
    const before = await allIds(store);

    const applied = await migrated(eventStoreMigrations, (dataSource) => dataSource.runMigrations({ transaction: 'each' }));

    expect(applied.map((migration) => migration.name)).toEqual(['KeyEventsByGlobalOrder1700000000003']);
    expect(await keyOf()).toEqual([{ name: 'events_global_order', columns: 'PRIMARY KEY (transaction_id, global_position)' }]);
    const upgraded = new PostgresEventStore(pool);
    expect(await allIds(upgraded)).toEqual(before);
    const [more] = serviceHistory(streams[0], 4).slice(3);
    await upgraded.append(streams[0], [more], { expectedVersion: 3 });
    expect(await allIds(upgraded)).toEqual([...before, more.eventId]);

    await migrated(eventStoreMigrations, (dataSource) => dataSource.undoLastMigration({ transaction: 'each' }));

    expect(await keyOf()).toEqual([{ name: 'events_pkey', columns: 'PRIMARY KEY (global_position)' }]);
    const { rows } = await pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'event_store' AND tablename = 'events' AND indexname = 'events_global_order'`);
    expect(rows).toHaveLength(1);
    expect(await allIds(upgraded)).toEqual([...before, more.eventId]);
  });
});
