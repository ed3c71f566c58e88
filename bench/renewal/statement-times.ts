// Where PostgreSQL's time in a run goes, statement by statement (BENCH_PG_STATEMENTS=1): the
// difference of pg_stat_statements between the run's start and its end, for the four services'
// databases, per renewal. The CPU figure of the e2e bench says how much PostgreSQL spent; this
// says which service's statements spent it, and how many rows and buffer pages each touched —
// figures that, unlike the rate, barely move with the machine's speed.
//
// pg_stat_statements must be loaded at server start (shared_preload_libraries): without it the
// bench says so and carries on. The statistics are the cluster's, read, never reset: other
// databases' statements are left out by their database's name, and so are the snapshots' own.
// Execution time includes the time a statement waited for a lock (pg_advisory_xact_lock is
// nothing but that).
import type { Client } from 'pg';
import { round } from '../figures';

export type StatementTimes = Readonly<{
  /** execution ms per renewal, by service */
  msPerRenewalByService: Record<string, number>;
  /** statements run per renewal (each one a round trip, BEGIN and COMMIT included), by service */
  callsPerRenewalByService: Record<string, number>;
  /** the statements that took the most time, by service and text */
  top: readonly Readonly<{ service: string; statement: string; calls: number; msPerRenewal: number; rowsPerRenewal: number; pagesPerRenewal: number }>[];
}>;

type Counters = Readonly<{ service: string; statement: string; calls: number; ms: number; rows: number; pages: number }>;

/** What the counters are at one moment, keyed by database, user and statement. */
export type StatementSnapshot = ReadonlyMap<string, Counters>;

const TOP = 15;

/** Whether the server loaded pg_stat_statements; creates the extension's view where it did. */
export async function statementStatisticsAvailable(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>(
    "SELECT coalesce(current_setting('shared_preload_libraries', true), '') ~ 'pg_stat_statements' AS loaded",
  );
  if (!rows[0].loaded) return false;
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return true;
}

/** The counters of the statements run in the databases named (service → database name). */
export async function statementSnapshot(client: Client, databases: Readonly<Record<string, string>>): Promise<StatementSnapshot> {
  const serviceOf = new Map(Object.entries(databases).map(([service, database]) => [database, service]));
  const { rows } = await client.query<{ key: string; database: string; statement: string; calls: string; ms: number; rows: string; pages: string }>(
    `SELECT s.dbid || '/' || s.userid || '/' || s.queryid AS key, d.datname AS database,
            regexp_replace(s.query, '\\s+', ' ', 'g') AS statement, s.calls, s.total_exec_time AS ms, s.rows,
            s.shared_blks_hit + s.shared_blks_read AS pages
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = ANY($1::text[]) AND s.query NOT LIKE '%pg_stat_statements%'`,
    [[...serviceOf.keys()]],
  );
  return new Map(
    rows.map((row) => [
      row.key,
      { service: serviceOf.get(row.database) as string, statement: row.statement, calls: Number(row.calls), ms: row.ms, rows: Number(row.rows), pages: Number(row.pages) },
    ]),
  );
}

/** What the statements did between two snapshots, per renewal. */
export function statementTimesBetween(before: StatementSnapshot, after: StatementSnapshot, renewals: number): StatementTimes {
  const ran: Counters[] = [];
  for (const [key, now] of after) {
    const then = before.get(key);
    const calls = now.calls - (then?.calls ?? 0);
    if (calls > 0) ran.push({ ...now, calls, ms: now.ms - (then?.ms ?? 0), rows: now.rows - (then?.rows ?? 0), pages: now.pages - (then?.pages ?? 0) });
  }
  const byService: Record<string, number> = {};
  const callsByService: Record<string, number> = {};
  for (const { service, ms, calls } of ran) {
    byService[service] = (byService[service] ?? 0) + ms;
    callsByService[service] = (callsByService[service] ?? 0) + calls;
  }
  const perRenewal = (value: number, digits: number) => round(value / renewals, digits);
  /** A total per service as a per-renewal figure, the largest first. */
  const perRenewalByService = (totals: Record<string, number>, digits: number) =>
    Object.fromEntries(Object.entries(totals).sort(([, a], [, b]) => b - a).map(([service, total]) => [service, perRenewal(total, digits)]));
  return {
    msPerRenewalByService: perRenewalByService(byService, 3),
    callsPerRenewalByService: perRenewalByService(callsByService, 2),
    top: ran
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP)
      .map(({ service, statement, calls, ms, rows, pages }) => ({
        service,
        statement: statement.length > 100 ? `${statement.slice(0, 99)}…` : statement,
        calls,
        msPerRenewal: perRenewal(ms, 4),
        rowsPerRenewal: perRenewal(rows, 2),
        pagesPerRenewal: perRenewal(pages, 1),
      })),
  };
}

/** The lines the bench prints. */
export function describeStatementTimes({ msPerRenewalByService, callsPerRenewalByService, top }: StatementTimes): string[] {
  const services = Object.entries(msPerRenewalByService).map(([service, ms]) => `${service} ${ms} ms`);
  const calls = Object.entries(callsPerRenewalByService).map(([service, count]) => `${service} ${count}`);
  return [
    `PostgreSQL execution time per renewal (lock waits included): ${services.join(', ')}`,
    `statements per renewal: ${calls.join(', ')}; the longest statements:`,
    ...top.map(
      ({ service, statement, calls, msPerRenewal, rowsPerRenewal, pagesPerRenewal }) =>
        `    ${msPerRenewal.toFixed(4)} ms  ${service}  ${calls} calls, ${rowsPerRenewal} rows, ${pagesPerRenewal} pages  ${statement}`,
    ),
  ];
}
