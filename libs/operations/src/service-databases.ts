// The four services' databases, one connection each, opened on first use: the invariant checker
// and the lag report read them side by side (they are separate databases, so no SQL join spans two).
import { Client } from 'pg';
import { OperationsError } from './operations-error';
import type { OperationsTarget, ServiceName } from './target';

export class ServiceDatabases {
  private readonly clients = new Map<ServiceName, Promise<Client>>();

  constructor(private readonly target: OperationsTarget) {}

  async query<T>(service: ServiceName, sql: string, parameters: unknown[] = []): Promise<T[]> {
    const client = await this.client(service);
    return (await client.query(sql, parameters)).rows as T[];
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.then((connected) => connected.end()).catch(() => undefined)));
  }

  private client(service: ServiceName): Promise<Client> {
    let client = this.clients.get(service);
    if (!client) {
      client = (async () => {
        const connection = new Client({ connectionString: this.target.databaseUrls[service], connectionTimeoutMillis: 5_000, application_name: 'billingctl' });
        try {
          await connection.connect();
        } catch (error) {
          throw new OperationsError(
            `cannot reach the ${service} database (${(error as Error).message}); set DATABASE_URL (and DATABASE_PREFIX) or ${service.toUpperCase()}_DATABASE_URL`,
          );
        }
        // a hung query must not hang the operator's terminal
        await connection.query(`SET statement_timeout = '60s'`);
        // short statements on stores that may never have been analyzed: the planner's guesses would
        // have some JIT-compiled at ~0.5 s each (the outbox count, 0.1 ms to run). A SET rather than
        // a startup option, which a connection pooler in front of the database may refuse
        await connection.query(`SET jit = off`);
        return connection;
      })();
      this.clients.set(service, client);
    }
    return client;
  }
}
