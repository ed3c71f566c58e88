// Throw-away PostgreSQL databases: each suite gets its own, dropped when it ends, so suites
// never see each other's rows and a failed run leaves nothing that breaks the next one.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from './environment';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(testDatabaseUrl(), 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database named after the suite; `drop()` removes it even with open sessions. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  // the creation time is in the name, so a later run can tell an abandoned database from a
  // fresh one that has no session yet
  const name = `test_${safe}_${Math.floor(Date.now() / 1000).toString(36)}_${randomUUID().slice(0, 8)}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(testDatabaseUrl(), name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Fails with a clear message when PostgreSQL does not answer. */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await admin((client) => client.query('SELECT 1'));
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${testDatabaseUrl()}: ${(error as Error).message}`);
  }
}

/** Drops the databases of earlier runs that died before their own cleanup. */
export async function dropStaleTestDatabases(olderThanMinutes = 120): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) - olderThanMinutes * 60;
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'");
    for (const { datname } of rows) {
      const createdAt = parseInt(/_([0-9a-z]{6})_[0-9a-f]{8}$/.exec(datname)?.[1] ?? '', 36);
      // names without a plausible creation time are not ours to judge
      if (createdAt > 1_700_000_000 && createdAt < cutoff) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  });
}
