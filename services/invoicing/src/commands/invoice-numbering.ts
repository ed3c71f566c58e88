// Takes the next number of a series inside the transaction that appends the document carrying
// it (PostgresEventStore.appendWithinTransaction). The upsert locks the series row until that
// transaction ends, so the issues of one series commit one after the other: each number is used
// by exactly the document that commits with it, a rolled-back issue releases its number to the
// next one, and numbers follow commit order. Different series never wait for each other.
//
// Numbers also follow the order of the global log, which is transaction id order (readAll): a
// consumer reading a series sees 1, 2, 3 … Postgres gives a transaction its id at its first
// write, and the upsert's row lock is such a write, taken *after* the id, so two issues could get
// their ids in one order and the lock in the other (number 2 before number 1 in the log). The
// statement therefore first takes a transaction-level advisory lock on the series, which assigns
// no id: the issue that gets it first gets the smaller id and the smaller number.
import { namedStatement, runStatement } from '@billing/eventsourcing';
import type { PoolClient } from 'pg';

/** Advisory lock namespace (the two-int4 key space) of invoice series; one per series in it. */
export const SERIES_LOCK_NAMESPACE = 7_320_200;

const takeNextNumberSql = namedStatement(
  'invoice_series_take_numbers',
  `
  WITH series_locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(${SERIES_LOCK_NAMESPACE}, hashtext($1::text)))
  INSERT INTO invoice_series (series, last_number, last_issued_at)
  SELECT $1::text, $3::integer, $2::timestamptz FROM series_locked
  ON CONFLICT (series) DO UPDATE
     SET last_number = invoice_series.last_number + EXCLUDED.last_number,
         last_issued_at = GREATEST(invoice_series.last_issued_at, EXCLUDED.last_issued_at)
  RETURNING last_number, last_issued_at`,
);

export type TakenNumber = Readonly<{
  sequence: number;
  /**
   * The document's issue instant: now, or the previous document's of the series when a replica's
   * clock lags behind it, so that issue instants never go back as numbers go up (chronological).
   */
  issuedAt: string;
}>;

export async function takeNextNumber(client: PoolClient, series: string, now: string): Promise<TakenNumber> {
  return takeNumbers(client, series, 1, now);
}

const lockSeriesSql = namedStatement('invoice_series_lock', `SELECT pg_advisory_xact_lock(${SERIES_LOCK_NAMESPACE}, hashtext($1::text))`);

/**
 * Locks series ahead of taking their numbers, for a transaction that numbers documents of several
 * series: all of them before its first write (which gives it its transaction id), in the order
 * given (sort them: two transactions then never wait on each other in a circle). Locked after a
 * first write, a series could go to a transaction whose id is smaller than that of one numbered
 * before it, and its numbers would come out of order in the global log.
 */
export async function lockSeries(client: PoolClient, series: readonly string[]): Promise<void> {
  for (const name of series) await runStatement(client, lockSeriesSql, [name]);
}

/**
 * Takes the next `count` numbers of a series at once, for documents that commit in one
 * transaction in number order (AutomaticInvoicing): returns the first, and their issue instant.
 */
export async function takeNumbers(client: PoolClient, series: string, count: number, now: string): Promise<TakenNumber> {
  const { rows } = await runStatement<{ last_number: number; last_issued_at: Date }>(client, takeNextNumberSql, [series, now, count]);
  return { sequence: rows[0].last_number - count + 1, issuedAt: rows[0].last_issued_at.toISOString() };
}
