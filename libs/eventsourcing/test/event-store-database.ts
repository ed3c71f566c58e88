// A throw-away database with the event store schema, migrated the way a service migrates it:
// a TypeORM DataSource running `eventStoreMigrations`.
import { createTestDatabase } from '@billing/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { eventStoreMigrations } from '../src';

export interface EventStoreDatabase {
  url: string;
  dataSource: DataSource;
  /** A plain pg Pool on the same database, for the adapters' Pool form and raw SQL. */
  pool: Pool;
  drop(): Promise<void>;
}

export async function createEventStoreDatabase(label: string, poolSize = 4): Promise<EventStoreDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: eventStoreMigrations,
    migrationsTableName: 'typeorm_migrations',
    extra: { max: poolSize, idle_in_transaction_session_timeout: 60_000 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const pool = new Pool({ connectionString: database.url, max: poolSize, idle_in_transaction_session_timeout: 60_000 });
  // pool.end() resolves before its sockets have closed: the forced DROP DATABASE may still
  // terminate them, which an idle client reports as an error
  pool.on('error', () => undefined);
  return {
    url: database.url,
    dataSource,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
      await database.drop();
    },
  };
}
