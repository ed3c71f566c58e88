// The renewal run end to end, through the four services as real processes on the local PostgreSQL
// and Kafka: N services come due at once (the test clock moves to their invoice day) and each one
// counts as renewed when its ServiceExpirationExtended reaches billing.services.v1 — due →
// RenewalInvoiceRequested (renewal) → invoice issued and charged (invoicing) → InvoicePaid →
// RenewalSucceeded (renewal) → expiration extended (subscription): four hops over Kafka. A
// customer's services are due the same day, so their terms share an invoice (invoice-groups.ts).
// The services are imported in bulk (non-legacy, automatic) for customers with a complete
// account and a card that works. Then, for each multiple of BENCH_RENEWAL_E2E_MULTIPLES, as many
// services that are not due are seeded straight into subscription's and renewal's stores (with
// those two stopped: not-due-services.ts), and the run's time must stay within 20 % of the first
// scenario's. Each scenario runs on a platform of its own. Prints renewals/s, p50/p99 due →
// renewed, the CPU each process spent, the machine's speed meanwhile (../machine-speed.ts) and
// the write-ahead log written per renewal, writes bench/results/renewal-e2e.json.
//
//   npm run bench:renewal:e2e   (BENCH_RENEWAL_E2E_DUE, default 10000; BENCH_RENEWAL_E2E_MULTIPLES,
//                                default 0; BENCH_PROFILE_DIR: each service's V8 CPU profile, and
//                                where its CPU went during the run (../cpu-profiles.ts); BENCH_NODE_OPTIONS; BENCH_WAL_DETAIL=1
//                                for the log's full-page images by relation; BENCH_PG_STATEMENTS=1
//                                for PostgreSQL's time by service and statement: statement-times.ts)
//   npm run bench:renewal       (the scheduler alone, then this with multiples 0, 10 and 100)
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { issueDevelopmentToken } from '@billing/auth';
import { topics } from '@billing/contracts';
import { PlatformUnderTest } from '@billing/service-testing';
import { testKafka, waitForConsumerCatchUp, waitUntil } from '@billing/testing';
import { startBenchBroker } from '../broker';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { describeProfile, monotonicMicros, summarizeProfiles, type ProfileSummary, type ProfileWindow } from '../cpu-profiles';
import { CpuWindow, describeCpuUsage, type CpuUsage } from '../cpu-usage';
import { percentile, round } from '../figures';
import { describeMachineSpeed, inReferenceWork, MachineSpeedSampler, type MachineSpeed } from '../machine-speed';
import { writeResults } from '../results-file';
import { seedNotDueProcessed, seedNotDueSchedule, seedNotDueSubscriptions, type Query } from './not-due-services';
import { describeStatementTimes, statementSnapshot, statementStatisticsAvailable, statementTimesBetween, type StatementSnapshot, type StatementTimes } from './statement-times';

const DUE = Number(process.env.BENCH_RENEWAL_E2E_DUE ?? 10_000);
const MULTIPLES = (process.env.BENCH_RENEWAL_E2E_MULTIPLES ?? '0').split(',').map(Number);
const CUSTOMERS = Math.max(1, Math.ceil(DUE / 4));
const CLIENTS = 24;
const SERVICES = ['order', 'subscription', 'renewal', 'invoicing'] as const;
const BEFORE = '2027-05-10T06:00:00Z';
/** Invoice lead 7 days: services expiring on May 19 are due on May 12; the clock jumps past it. */
const RUN_AT = '2027-05-14T06:00:00Z';
const EXPIRATION = '2027-05-19';
const RENEWED_EXPIRATION = '2027-06-19';
const TARGET = { renewalsPerSecond: 1_000, runTimeWithin: 1.2 };
const RENEWAL_TIMEOUT_MS = 1_800_000;
/** Whether to read the run's write-ahead log for its full-page images, by relation (slower). */
const WAL_DETAIL = process.env.BENCH_WAL_DETAIL === '1';
/** Whether to read pg_stat_statements around the run (the server must preload it). */
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';

const say = (text: string) => process.stdout.write(`${text}\n`);

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function call(url: string, token: string, method: string, body: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  return { status: response.status, text: await response.text() };
}

/**
 * What autovacuum would have done by now on a platform holding these accounts and services (this
 * machine runs PostgreSQL with autovacuum off): without statistics, a statement prepared while its
 * table was nearly empty keeps the plan made then — a scan of the whole table for a handful of
 * keys — as long as its connection lives; and rows never vacuumed still have their hint bits to
 * set, which dirties their pages when the run first reads them. bench:renewal analyzes its seed too.
 */
async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  await onDatabase(databaseUrl, (client) => client.query('VACUUM (ANALYZE)'));
}

/**
 * Writes out what the seed dirtied before the run begins: a million services seeded are about a
 * gigabyte of pages and WAL, which the checkpointer would otherwise still be writing during the
 * run, on the same two cores. The services not due have been there for months in the situation
 * the bench stands for. One for the whole cluster, so for all four databases. Needs a superuser
 * or pg_checkpoint; without, the run starts anyway.
 */
async function checkpoint(databaseUrl: string): Promise<void> {
  await onDatabase(databaseUrl, (client) => client.query('CHECKPOINT')).catch((error: Error) => say(`  (no CHECKPOINT before the run: ${error.message})`));
}

/**
 * Where the cluster's write-ahead log stands: the difference over a run is every byte the four
 * databases wrote (rows, index entries, row locks, commits), exact whatever the machine's speed,
 * so a change that saves writes shows here even when the rate's noise hides it. Nothing else
 * writes to this cluster during the bench.
 */
async function walPosition(databaseUrl: string): Promise<string> {
  return onDatabase(databaseUrl, async (client) => (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn);
}

async function walBytesSince(databaseUrl: string, from: string): Promise<number> {
  return onDatabase(databaseUrl, async (client) => Number((await client.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes', [from])).rows[0].bytes));
}

/** The full-page images of a run's write-ahead log, per renewal (BENCH_WAL_DETAIL=1). */
type FullPageImages = Readonly<{ bytesPerRenewal: number; perRenewal: number; perRenewalByRelation: Record<string, number> }>;

/**
 * The first change to a page after a checkpoint writes the whole page to the log. An index keyed
 * by random ids (UUIDs, hashes) spreads a run's keys over as many leaf pages as it has keys once it
 * is large, so each such index costs about a page image per renewal among a million services, and
 * a handful among ten thousand: this names the indexes, where the log's total only grows. Reads
 * the log with pg_walinspect (PostgreSQL 15, a superuser), from any of the four databases since
 * the cluster's log is one; the relations are named from each service's database.
 */
async function fullPageImagesSince(platform: PlatformUnderTest, from: string): Promise<FullPageImages> {
  const relations = new Map<string, string>();
  for (const name of SERVICES) {
    await onDatabase(platform.databaseUrl(name), async (client) => {
      const { rows } = await client.query<{ key: string; relation: string }>(
        "SELECT d.oid || '/' || c.relfilenode AS key, c.relname AS relation FROM pg_class c, pg_database d WHERE d.datname = current_database() AND c.relfilenode <> 0",
      );
      for (const row of rows) relations.set(row.key, `${name}.${row.relation}`);
    });
  }
  return onDatabase(platform.databaseUrl('renewal'), async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const to = (await client.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn')).rows[0].lsn;
    // one pass over the log: the records that carry page images, the bytes of those images, and
    // the blocks they image, each named `rel <tablespace>/<database>/<relfilenode> fork <f> blk <n> (FPW)`
    const images = await client.query<{ key: string | null; images: string; bytes: string }>(
      String.raw`WITH imaged AS MATERIALIZED (
          SELECT fpi_length, block_ref FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) WHERE fpi_length > 0)
        SELECT NULL AS key, 0 AS images, coalesce(sum(fpi_length), 0) AS bytes FROM imaged
        UNION ALL
        SELECT m[1] || '/' || m[2], count(*), 0
          FROM (SELECT regexp_matches(block_ref, 'rel \d+/(\d+)/(\d+) fork \w+ blk \d+ \(FPW\)', 'g') AS m FROM imaged) AS blocks
         GROUP BY 1 ORDER BY 2 DESC`,
      [from, to],
    );
    const bytes = Number(images.rows.find((row) => row.key === null)?.bytes ?? 0);
    const byRelation = images.rows.filter((row) => row.key !== null);
    const perRenewal = (n: number) => round(n / DUE, 2);
    const total = byRelation.reduce((sum, row) => sum + Number(row.images), 0);
    const top = byRelation.slice(0, 8).filter((row) => perRenewal(Number(row.images)) >= 0.01);
    return {
      bytesPerRenewal: Math.round(bytes / DUE),
      perRenewal: perRenewal(total),
      perRenewalByRelation: Object.fromEntries(top.map((row) => [relations.get(row.key as string) ?? row.key, perRenewal(Number(row.images))])),
    };
  });
}

async function count(databaseUrl: string, sql: string): Promise<number> {
  return onDatabase(databaseUrl, async (client) => Number((await client.query<{ n: string }>(sql)).rows[0].n));
}

/** `work` on a connection of its own to the database, closed after. */
async function onDatabase<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What not-due-services.ts runs its statements on. */
const queryOn =
  (client: Client): Query =>
  (sql, parameters) =>
    client.query(sql, parameters);

/** Until every consumer group of the platform has its members again (after a restart). */
async function groupsSettled(admin: Admin, prefix: string): Promise<void> {
  await waitUntil(
    async () => {
      const groupIds = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(`${prefix}.`));
      if (groupIds.length === 0) return false;
      const { groups } = await admin.describeGroups(groupIds);
      return groups.every((group) => group.state === 'Stable' && group.members.length > 0);
    },
    { timeoutMs: 120_000, intervalMs: 500, description: 'the consumer groups to settle' },
  );
}

type Scenario = Readonly<{
  notDue: number;
  seedSeconds: number;
  runSeconds: number;
  renewalsPerSecond: number;
  latencyMs: Readonly<{ p50: number; p90: number; p99: number; max: number }>;
  paidRenewalInvoices: number;
  /** The terms those invoices bill (a grouped invoice bills several). */
  paidRenewalTerms: number;
  /** Write-ahead log the cluster wrote during the run, per renewal. */
  walBytesPerRenewal: number;
  walImages?: FullPageImages;
  statements?: StatementTimes;
  cpu: CpuUsage | undefined;
  /** The run on the clock of the services' CPU profiles (BENCH_PROFILE_DIR). */
  profileWindow?: ProfileWindow;
  /** Where each service's CPU went during the run, from its profile (BENCH_PROFILE_DIR). */
  profiles?: readonly ProfileSummary[];
  /** How fast the machine ran a fixed workload during the run; the CPU per renewal in units of it. */
  machineSpeed: MachineSpeed & Readonly<{ cpuPerRenewalInReferenceWork?: number }>;
}>;

/** What reads pg_stat_statements' counters for the platform's databases; undefined when the server has none. */
async function statementReader(platform: PlatformUnderTest): Promise<(() => Promise<StatementSnapshot>) | undefined> {
  const databases = Object.fromEntries(SERVICES.map((name) => [name, new URL(platform.databaseUrl(name)).pathname.slice(1)]));
  const url = platform.databaseUrl('renewal');
  if (!(await onDatabase(url, statementStatisticsAvailable))) return undefined;
  return () => onDatabase(url, (client) => statementSnapshot(client, databases));
}

async function runScenario(multiple: number, profile: Record<string, string>): Promise<Scenario> {
  const notDue = DUE * multiple;
  say(`\n${DUE} due among ${notDue} not due, ${CUSTOMERS} customers:`);
  const platform = await PlatformUnderTest.start({
    services: [...SERVICES],
    databaseLabel: 'benchrenewal',
    readyTimeoutMs: 180_000,
    env: { ...profile, LOG_LEVEL: 'warn' },
    serviceEnv: { renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200' } },
  });
  const kafka = testKafka('bench-renewal-e2e');
  const watcherGroup = `bench-renewal-e2e-${randomUUID()}`;
  const watcher = kafka.consumer({ groupId: watcherGroup, maxWaitTimeInMs: 50 });
  const admin = kafka.admin();
  try {
    const operator = await issueDevelopmentToken('bench-operator', { roles: ['operator'] });
    const moveClock = async (instant: string) => {
      const moved = await call(`${platform.url('renewal')}/operator/clock`, operator, 'POST', JSON.stringify({ set: instant }));
      if (moved.status !== 200) throw new Error(`clock: ${moved.status} ${moved.text}`);
      for (const name of SERVICES) {
        await waitUntil(async () => {
          const answer = await fetch(`${platform.url(name)}/operator/clock`, { headers: { authorization: `Bearer ${operator}` } });
          return Date.parse(((await answer.json()) as { now: string }).now) >= Date.parse(instant);
        }, { timeoutMs: 30_000, description: `${name} on ${instant}` });
      }
    };
    await moveClock(BEFORE);

    // customers with a complete account and a card that works
    let seeded = performance.now();
    const customers = Array.from({ length: CUSTOMERS }, (_, index) => `bench-renewal-${index}-${randomUUID().slice(0, 8)}`);
    await inParallel(customers, CLIENTS, async (customerId) => {
      const token = await issueDevelopmentToken(customerId);
      const account = await call(`${platform.url('invoicing')}/me`, token, 'PUT', JSON.stringify({
        subsidiary: 'FR',
        name: `Customer ${customerId}`,
        postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' },
        country: 'FR',
        email: `${customerId}@example.com`,
      }));
      if (account.status !== 200) throw new Error(`PUT /me: ${account.status} ${account.text}`);
      const card = await call(`${platform.url('invoicing')}/me/payment/method`, token, 'POST', JSON.stringify({ type: 'card', token: 'tok_success', default: true }));
      if (card.status !== 201) throw new Error(`card: ${card.status} ${card.text}`);
    });
    say(`  ${CUSTOMERS} accounts with a card in ${round((performance.now() - seeded) / 1000, 1)} s`);

    // the services, imported in bulk: automatic, monthly, expiring on May 19
    seeded = performance.now();
    const lines = Array.from({ length: DUE }, (_, index) =>
      JSON.stringify({
        legacyServiceId: `bench-${index}-${randomUUID().slice(0, 8)}`,
        customerId: customers[index % CUSTOMERS],
        subsidiary: 'FR',
        planCode: 'web-hosting-pro',
        period: 'P1M',
        price: 799,
        anchorDate: '2027-04-19',
        expirationDate: EXPIRATION,
        legacyContract: false,
      }),
    );
    for (let start = 0; start < lines.length; start += 5_000) {
      const imported = await call(`${platform.url('subscription')}/operator/services/import`, operator, 'POST', lines.slice(start, start + 5_000).join('\n'), 'application/x-ndjson');
      if (imported.status !== 200) throw new Error(`import: ${imported.status} ${imported.text}`);
    }
    await waitUntil(async () => (await count(platform.databaseUrl('renewal'), 'SELECT count(*) AS n FROM renewal_services')) >= DUE, {
      timeoutMs: 600_000,
      intervalMs: 1_000,
      description: 'the renewal schedule of every imported service',
    });
    say(`  ${DUE} services imported and scheduled in ${round((performance.now() - seeded) / 1000, 1)} s`);
    // the services not due, with the two services that hold them stopped; every scenario stops
    // and starts them, so that each run starts on processes as fresh
    seeded = performance.now();
    await Promise.all([platform.shutDown('subscription'), platform.shutDown('renewal')]);
    if (notDue > 0) {
      await Promise.all([
        onDatabase(platform.databaseUrl('subscription'), (client) => seedNotDueSubscriptions(queryOn(client), notDue, ['services'])),
        onDatabase(platform.databaseUrl('renewal'), async (client) => {
          await seedNotDueSchedule(queryOn(client), notDue);
          await seedNotDueProcessed(queryOn(client), notDue, 'service-lifecycle');
        }),
      ]);
    }
    for (const name of SERVICES) await vacuumAnalyze(platform.databaseUrl(name));
    await checkpoint(platform.databaseUrl('renewal'));
    await Promise.all([platform.start('subscription'), platform.start('renewal')]);
    await admin.connect();
    await groupsSettled(admin, platform.topic('').slice(0, -1));
    const seedSeconds = round((performance.now() - seeded) / 1000, 1);
    say(`  ${notDue} not due seeded, subscription and renewal restarted, in ${seedSeconds} s`);

    // every ServiceExpirationExtended of the run, by service, in monotonic ms. The watcher reads
    // the topic from its beginning (so that nothing the run publishes while it joins is missed)
    // and has read all that is there before the clock moves: decoding the import's events is
    // then not part of the run's time or CPU
    const renewedAt = new Map<string, number>();
    const servicesTopic = platform.topic(topics.services);
    await watcher.connect();
    await watcher.subscribe({ topic: servicesTopic, fromBeginning: true });
    await watcher.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const at = performance.now();
        for (const message of batch.messages) {
          const envelope = JSON.parse(String(message.value)) as { type: string; data: { serviceId: string; expirationDate: string } };
          if (envelope.type === 'ServiceExpirationExtended' && envelope.data.expirationDate === RENEWED_EXPIRATION && !renewedAt.has(envelope.data.serviceId)) {
            renewedAt.set(envelope.data.serviceId, at);
          }
        }
      },
    });

    await waitForConsumerCatchUp(admin, watcherGroup, servicesTopic, 120_000);

    const window = new CpuWindow(Object.fromEntries(SERVICES.map((name) => [name, platform.pidOf(name)])));
    const speed = new MachineSpeedSampler();
    const walFrom = await walPosition(platform.databaseUrl('renewal'));
    const readStatements = PG_STATEMENTS ? await statementReader(platform) : undefined;
    if (PG_STATEMENTS && !readStatements) say('  BENCH_PG_STATEMENTS: the server has not loaded pg_stat_statements (shared_preload_libraries), no statement times');
    const statementsBefore = await readStatements?.();
    const due = performance.now();
    const profileFrom = monotonicMicros();
    await moveClock(RUN_AT);
    let reported = 0;
    await waitUntil(
      () => {
        if (renewedAt.size - reported >= DUE / 10) {
          reported = renewedAt.size;
          say(`  ${renewedAt.size} renewed after ${round((performance.now() - due) / 1000, 1)} s`);
        }
        return renewedAt.size >= DUE;
      },
      { timeoutMs: RENEWAL_TIMEOUT_MS, intervalMs: 100, description: `${DUE} services renewed` },
    );
    const cpu = window.close(DUE);
    const profileWindow = { fromMicros: profileFrom, toMicros: monotonicMicros() };
    const machineSpeed = speed.stop();
    // before the bench's own reads of the log, which run in the renewal database
    const statementsAfter = await readStatements?.();
    const walBytes = await walBytesSince(platform.databaseUrl('renewal'), walFrom);
    const walImages = WAL_DETAIL ? await fullPageImagesSince(platform, walFrom) : undefined;
    const statements = statementsBefore && statementsAfter ? statementTimesBetween(statementsBefore, statementsAfter, DUE) : undefined;
    const latencies = [...renewedAt.values()].map((at) => at - due).sort((a, b) => a - b);
    const seconds = latencies[latencies.length - 1] / 1000;
    const paidRenewalInvoices = await count(platform.databaseUrl('invoicing'), "SELECT count(*) AS n FROM bills WHERE category = 'autorenew' AND status = 'paid'").catch(() => -1);
    const paidRenewalTerms = await count(
      platform.databaseUrl('invoicing'),
      `SELECT coalesce(sum(1 + coalesce(jsonb_array_length(e.data->'source'->'groupedTerms'), 0)), 0) AS n
         FROM event_store.events e JOIN bills b ON b.invoice_id = (e.data->>'invoiceId')::uuid
        WHERE e.event_type = 'InvoiceIssued' AND b.category = 'autorenew' AND b.status = 'paid'`,
    ).catch(() => -1);
    const scenario: Scenario = {
      notDue,
      seedSeconds,
      runSeconds: round(seconds, 2),
      renewalsPerSecond: round(DUE / seconds, 1),
      latencyMs: { p50: Math.round(percentile(latencies, 0.5)), p90: Math.round(percentile(latencies, 0.9)), p99: Math.round(percentile(latencies, 0.99)), max: Math.round(latencies[latencies.length - 1]) },
      paidRenewalInvoices,
      paidRenewalTerms,
      walBytesPerRenewal: Math.round(walBytes / DUE),
      walImages,
      statements,
      cpu,
      ...(profile.CPU_PROFILE_DIR ? { profileWindow } : {}),
      machineSpeed: { ...machineSpeed, ...(cpu ? { cpuPerRenewalInReferenceWork: inReferenceWork(cpu.msPerUnit.all, machineSpeed) } : {}) },
    };
    say(`  renewed ${DUE} services in ${scenario.runSeconds} s: ${scenario.renewalsPerSecond} renewals/s end to end`);
    say(`  due → renewed: p50 ${scenario.latencyMs.p50} ms, p90 ${scenario.latencyMs.p90} ms, p99 ${scenario.latencyMs.p99} ms, max ${scenario.latencyMs.max} ms; paid renewal invoices: ${paidRenewalInvoices}, billing ${paidRenewalTerms} terms`);
    say(`  ${describeCpuUsage(cpu, 'renewal')}`);
    say(`  ${describeMachineSpeed(machineSpeed, scenario.machineSpeed.cpuPerRenewalInReferenceWork, 'renewal')}`);
    say(`  write-ahead log per renewal: ${round(scenario.walBytesPerRenewal / 1024, 1)} KB`);
    if (walImages) {
      const top = Object.entries(walImages.perRenewalByRelation).map(([relation, images]) => `${relation} ${images}`);
      say(`  of which full-page images: ${round(walImages.bytesPerRenewal / 1024, 1)} KB, ${walImages.perRenewal} per renewal (${top.join(', ')})`);
    }
    if (statements) for (const line of describeStatementTimes(statements)) say(`  ${line}`);
    return scenario;
  } finally {
    await watcher.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await platform.stop();
  }
}

async function main(): Promise<void> {
  await startBenchBroker();
  const profile: Record<string, string> = process.env.BENCH_PROFILE_DIR ? { CPU_PROFILE_DIR: process.env.BENCH_PROFILE_DIR } : {};
  if (process.env.BENCH_NODE_OPTIONS) profile.NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS;
  say(`renewal run end to end: ${DUE} services due, four services as processes`);
  const scenarios: Scenario[] = [];
  for (const multiple of MULTIPLES) scenarios.push(await runScenario(multiple, profile));
  // the services write their profiles as they stop, at the end of each scenario
  if (profile.CPU_PROFILE_DIR) {
    for (const [index, scenario] of scenarios.entries()) {
      if (!scenario.profileWindow) continue;
      const profiles = summarizeProfiles(profile.CPU_PROFILE_DIR, scenario.profileWindow);
      scenarios[index] = { ...scenario, profiles };
      say(`\nwhere the CPU went during the run among ${scenario.notDue} not due (V8 profiles in ${profile.CPU_PROFILE_DIR}, % of each process's busy samples):`);
      for (const summary of profiles) for (const line of describeProfile(summary)) say(`  ${line}`);
    }
  }
  const [baseline] = scenarios;
  // a baseline run again at the end measures how far this machine's speed moved meanwhile (a
  // shared machine can lose a third of it for minutes): the others are held to the baselines'
  // mean, and a drift beyond the tolerance itself leaves flatness undecided rather than judged
  const baselines = scenarios.filter(({ notDue }) => notDue === 0).map(({ runSeconds }) => runSeconds);
  const reference = baselines.length > 0 ? baselines.reduce((sum, seconds) => sum + seconds, 0) / baselines.length : baseline.runSeconds;
  const drift = baselines.length > 1 ? round(Math.max(...baselines) / Math.min(...baselines), 2) : undefined;
  const flatness = scenarios.map(({ notDue, runSeconds }) => ({ notDue, runSecondsVsBaseline: round(runSeconds / reference, 2) }));
  const flat = flatness.every(({ runSecondsVsBaseline }) => runSecondsVsBaseline <= TARGET.runTimeWithin);
  const decided = drift === undefined || drift <= TARGET.runTimeWithin;
  const rateMet = baseline.renewalsPerSecond >= TARGET.renewalsPerSecond;
  const result = {
    bench: 'renewal-e2e',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    due: DUE,
    customers: CUSTOMERS,
    scenarios,
    baselineDrift: drift,
    flatness,
    target: TARGET,
    targetMet: { renewalsPerSecond: rateMet, flat: scenarios.length > 1 && decided ? flat : undefined },
  };
  say('');
  say(`renewals/s end to end: ${baseline.renewalsPerSecond} (target ≥ ${TARGET.renewalsPerSecond}/s: ${rateMet ? 'met' : 'NOT met'})`);
  if (scenarios.length > 1) {
    const verdict = !decided ? `undecided: the baselines differ by ×${drift}, more than the tolerance` : flat ? 'flat' : 'NOT flat';
    say(
      `run time vs ${baselines.length > 1 ? `the baselines' mean (drift between them ×${drift})` : 'the first'}: ${flatness.map(({ notDue, runSecondsVsBaseline }) => `${notDue} not due ×${runSecondsVsBaseline}`).join(', ')} → ${verdict} (within ${Math.round((TARGET.runTimeWithin - 1) * 100)} %)`,
    );
  }
  say(`written to ${writeResults('renewal-e2e', result)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
