// The services' databases on one PostgreSQL server: names, URLs, creation and migrations.
// Used by `npm run db:setup` and `npm start`.
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../libs/platform/src';
import { invoicingMigrations } from '../services/invoicing/src/database/migrations';
import { orderMigrations } from '../services/order/src/database/migrations';
import { renewalMigrations } from '../services/renewal/src/database/migrations';
import { subscriptionMigrations } from '../services/subscription/src/database/migrations';

export const serviceMigrations = {
  order: orderMigrations,
  subscription: subscriptionMigrations,
  renewal: renewalMigrations,
  invoicing: invoicingMigrations,
};

export type ServiceName = keyof typeof serviceMigrations;
export const serviceNames = Object.keys(serviceMigrations) as ServiceName[];

/** The server (any database on it): DATABASE_URL, or the local server. */
export function serverUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseName(service: ServiceName): string {
  return `${process.env.DATABASE_PREFIX ?? 'billing_'}${service}`;
}

export function databaseUrl(service: ServiceName): string {
  const url = new URL(serverUrl());
  url.pathname = `/${databaseName(service)}`;
  return url.toString();
}

export async function createDatabases(): Promise<string[]> {
  const admin = new Client({ connectionString: serverUrl(), connectionTimeoutMillis: 5_000 });
  await admin.connect();
  const created: string[] = [];
  try {
    for (const service of serviceNames) {
      const name = databaseName(service);
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) {
        await admin.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      }
    }
  } finally {
    await admin.end();
  }
  return created;
}

export async function migrate(service: ServiceName): Promise<string[]> {
  const dataSource = new DataSource(
    dataSourceOptions({ url: databaseUrl(service), poolSize: 2, applicationName: 'db-setup', migrations: serviceMigrations[service] }),
  );
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
