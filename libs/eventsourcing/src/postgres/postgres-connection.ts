// The store and the relay run on the service's own connection pool: a pg Pool, or the pool
// inside the TypeORM DataSource the service already has (one pool, one set of limits).
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

export type PostgresConnection = Pool | DataSource;

export function poolOf(connection: PostgresConnection): Pool {
  if (!('driver' in connection)) return connection;
  if (!connection.isInitialized) throw new Error('the TypeORM DataSource must be initialized before the event store uses it');
  // TypeORM's postgres driver keeps its pg Pool as `master` (replication off)
  const pool = (connection.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.connect !== 'function') {
    throw new Error(`the event store needs a PostgreSQL DataSource (got ${connection.options.type})`);
  }
  return pool;
}
