// Takes the next number of a series inside the transaction that appends the document carrying
// it (PostgresEventStore.appendWithinTransaction). The upsert locks the series row until that
// transaction ends, so the issues of one series commit one after the other: each number is used
// by exactly the document that commits with it, a rolled-back issue releases its number to the
// next one, and numbers follow commit order. Different series never wait for each other.
import type { PoolClient } from 'pg';

const takeNextNumberSql = `
  INSERT INTO invoice_series (series, last_number, last_issued_at) VALUES ($1, 1, $2)
  ON CONFLICT (series) DO UPDATE
     SET last_number = invoice_series.last_number + 1,
         last_issued_at = GREATEST(invoice_series.last_issued_at, EXCLUDED.last_issued_at)
  RETURNING last_number, last_issued_at`;

export type TakenNumber = Readonly<{
  sequence: number;
  /**
   * The document's issue instant: now, or the previous document's of the series when a replica's
   * clock lags behind it, so that issue instants never go back as numbers go up (chronological).
   */
  issuedAt: string;
}>;

export async function takeNextNumber(client: PoolClient, series: string, now: string): Promise<TakenNumber> {
  const { rows } = await client.query<{ last_number: number; last_issued_at: Date }>(takeNextNumberSql, [series, now]);
  return { sequence: rows[0].last_number, issuedAt: rows[0].last_issued_at.toISOString() };
}
