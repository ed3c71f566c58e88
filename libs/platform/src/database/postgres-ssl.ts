// TLS towards PostgreSQL, the same for every connection of the process (TypeORM's pool, the boot
// probe, the pools services open themselves): set once at boot from the configuration.
import type { ConnectionOptions } from 'node:tls';

/** What pg and TypeORM both accept: the CA, the client certificate and key, and the checks. */
export type PostgresTls = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'checkServerIdentity'>;

let processSsl: PostgresTls | undefined;

export function usePostgresSsl(ssl: PostgresTls | undefined): void {
  processSsl = ssl;
}

/** The `ssl` option of pg clients and pools; undefined when the connection is not encrypted. */
export function postgresSsl(): PostgresTls | undefined {
  return processSsl;
}
