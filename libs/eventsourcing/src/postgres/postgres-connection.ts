// The store and the relay run on the service's own connection pool: a pg Pool, or the pool
// inside the TypeORM DataSource the service already has (one pool, one set of limits).
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

export type PostgresConnection = Pool | DataSource;

export function poolOf(connection: PostgresConnection): Pool {
  if (!('driver' in connection)) return survivingLostSessions(connection);
  if (!connection.isInitialized) throw new Error('the TypeORM DataSource must be initialized before the event store uses it');
  // TypeORM's postgres driver keeps its pg Pool as `master` (replication off)
  const pool = (connection.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.connect !== 'function') {
    throw new Error(`the event store needs a PostgreSQL DataSource (got ${connection.options.type})`);
  }
  return survivingLostSessions(pool);
}

const guardedPools = new WeakSet<Pool>();
const guardedClients = new WeakSet<PoolClient>();
const ignoreLostSession = () => undefined;

/**
 * When the server ends a session (pg_terminate_backend, a restart, a failover) while its client is
 * checked out but between two statements — a transaction waiting on other work, a lock holder —
 * pg reports it as an `error` event on the client, and pg-pool listens for that only while the
 * client is idle in the pool: unheard, the event kills the whole process. Every client handed out
 * gets a listener once; the statement that uses the client next fails with the cause (where it is
 * handled and logged), and the pool drops the broken client on release.
 */
export function survivingLostSessions(pool: Pool): Pool {
  if (guardedPools.has(pool)) return pool;
  guardedPools.add(pool);
  pool.on('acquire', (client) => {
    if (guardedClients.has(client)) return;
    guardedClients.add(client);
    client.on('error', ignoreLostSession);
  });
  return pool;
}
