// Each service's own PostgreSQL database through TypeORM: reachable-or-fail-fast at boot,
// migrations (never synchronize) run under an advisory lock so replicas can boot together.
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { usePreparedStatements } from '@billing/eventsourcing';
import { Client } from 'pg';
import type { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { postgresSsl } from './postgres-ssl';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  applicationName: string;
  /** Prepare the store's and the consumers' hot statements (default true; see DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    applicationName: options.applicationName,
    ...(postgresSsl() ? { ssl: postgresSsl() } : {}),
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: 5_000,
      // a transaction left open would hold back every global-log reader (see the event store)
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}

export function databaseModule(options: DatabaseOptions): DynamicModule {
  // for the whole process, before any store or consumer runs a statement
  usePreparedStatements(options.preparedStatements ?? true);
  // no retry loop at boot: the process fails fast and its supervisor restarts it
  return TypeOrmModule.forRoot({ ...dataSourceOptions(options), retryAttempts: 0 });
}

/** Where a URL points, without its credentials, for messages and logs. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Fails with one line naming the database when it cannot be reached. */
export async function assertDatabaseReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, ssl: postgresSsl() });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const cause = error as Error & { code?: string };
    const hint = cause.code === '3D000' ? ' (create it with `npm run db:setup`)' : '';
    throw new Error(`DATABASE_URL: cannot reach PostgreSQL at ${describeDatabase(url)}: ${cause.message || cause.code}${hint}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const MIGRATION_LOCK = 7_320_001;

/** Runs pending migrations; concurrent callers (replicas) wait for each other. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
