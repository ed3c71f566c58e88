// The hot statements of the store and of the consumers as named (prepared) statements:
// node-postgres sends a named statement's text once per connection, and PostgreSQL parses it
// once and, after a few runs, plans it once, instead of doing both on every call. For the
// global-log read, whose plan expands pg_stat_activity, planning cost more than running it
// (0.5 ms against 0.3 ms a call); over the order flow it was a third of PostgreSQL's CPU.
//
// A statement keeps resolving table names with the search_path of each run (PostgreSQL
// re-analyses a prepared statement when search_path changes), so a projection rebuild that
// points search_path at its shadow schema still writes there.
//
// A pooler in transaction mode (PgBouncer before 1.21) hands each transaction any server
// connection, where a statement prepared on another one does not exist: turn them off there.
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { poolOf } from './postgres-connection';

/** A statement run often, with the name it is prepared under (unique to its text). */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export function namedStatement(name: string, text: string): NamedStatement {
  return { name, text };
}

let preparing = true;

/**
 * Whether named statements are prepared, for the whole process (default true). The platform sets
 * it from DATABASE_PREPARED_STATEMENTS at boot, before any store or consumer runs a statement.
 */
export function usePreparedStatements(enabled: boolean): void {
  preparing = enabled;
}

export function preparedStatementsEnabled(): boolean {
  return preparing;
}

/** Runs `statement` prepared (by its name) or as plain text, on a pool or a checked-out client. */
export function runStatement<Row extends QueryResultRow>(
  on: Pick<Pool | PoolClient, 'query'>,
  statement: NamedStatement,
  values: unknown[],
  prepared = preparing,
): Promise<QueryResult<Row>> {
  const config: QueryConfig = prepared ? { name: statement.name, text: statement.text, values } : { text: statement.text, values };
  return (on as Pick<Pool, 'query'>).query<Row>(config);
}

/**
 * Runs `statement` with a TypeORM manager: on its transaction's connection when it has one, else
 * on the data source's pool. TypeORM's `query` cannot name a statement, so this goes to the pg
 * connection underneath; with prepared statements off it is `manager.query` itself.
 */
export async function runStatementWith<Row extends QueryResultRow>(manager: EntityManager, statement: NamedStatement, values: unknown[]): Promise<Row[]> {
  if (!preparing) return manager.query(statement.text, values);
  const runner = manager.queryRunner;
  if (!runner) return (await runStatement<Row>(poolOf(manager.connection), statement, values)).rows;
  const connection = (runner as unknown as { databaseConnection?: PoolClient }).databaseConnection;
  // a runner not connected yet (or released) is TypeORM's to deal with, errors included
  if (runner.isReleased || !connection) return manager.query(statement.text, values);
  return (await runStatement<Row>(connection, statement, values)).rows;
}
