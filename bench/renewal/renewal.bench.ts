// The renewal scheduler's run: 10,000 due services → 10,000 RenewalInvoiceRequested published on
// billing.renewals.v1, measured end to end (claim, decide, append, outbox relay, Kafka). Then the
// same 10,000 due services among 10× and 100× as many services that are not due: the run's time
// must stay flat (within 20 %), because the claim reads only the index of due terms. The not-due
// rows are seeded with INSERT … SELECT generate_series (not-due-services.ts); the due ones with
// multi-row inserts of rows the schedule itself computed. renewal-e2e.bench.ts measures the same
// through the four services. Prints the figures, writes bench/results/renewal.json.
//
//   node -r ./tools/register.js bench/renewal/renewal.bench.ts
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { topics } from '@billing/contracts';
import { AdjustableClock, CLOCK, createServiceApp, loadConfig, topicName } from '@billing/platform';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil } from '@billing/testing';
import { startBenchBroker } from '../broker';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { renewalService } from '../../services/renewal/src/service';
import { RenewalScheduler } from '../../services/renewal/src/scheduler/renewal-scheduler';
import { insertService, insertTerm, sqlOf, type ServiceRow, type Sql } from '../../services/renewal/src/schedule/schedule-rows';
import { newTermRow } from '../../services/renewal/src/schedule/term-schedule';
import { percentile, round } from '../figures';
import { writeResults } from '../results-file';
import { seedNotDueSchedule } from './not-due-services';

const DUE = 10_000;
const SCENARIOS = (process.env.BENCH_RENEWAL_MULTIPLES ?? '0,10,100').split(',').map(Number);
/** The run happens on this day; the due services expire 5 days later (invoice lead: 7 days). */
const RUN_AT = '2027-05-14T06:00:00Z';
const DUE_EXPIRATION = '2027-05-19';
const policy = { invoiceLeadDays: 7, dunningRetryDays: [1, 3, 7], paymentDeadlineDays: 7, gracePeriodDays: 30 };

interface Scenario {
  notDue: number;
  due: number;
  runSeconds: number;
  publishedSeconds: number;
  renewalsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  seedSeconds: number;
}

/** The due services, each with the term row the schedule computes for it (invoice due now). */
async function seedDue(sql: Sql): Promise<void> {
  const today = Temporal.Instant.from(RUN_AT).toZonedDateTimeISO('Europe/Paris').toPlainDate().subtract({ days: 30 }).toString();
  for (let index = 0; index < DUE; index++) {
    const service: ServiceRow = {
      serviceId: randomUUID(),
      customerId: `cust-bench-${index % 2_500}`,
      subsidiary: 'FR',
      universe: 'web',
      currency: 'EUR',
      planCode: 'web-hosting-pro',
      period: 'P1Y',
      price: 8199,
      anchorDate: '2026-05-19',
      expirationDate: DUE_EXPIRATION,
      renewMode: 'automatic',
      legacy: false,
      terminationDate: null,
      state: 'active',
    };
    await insertService(sql, service, RUN_AT);
    await insertTerm(sql, newTermRow(DUE_EXPIRATION, { service, policy, today }), RUN_AT);
  }
}

/** Services renewing later, in the schedule alone (see not-due-services.ts). */
async function seedNotDue(dataSource: DataSource, count: number): Promise<void> {
  await seedNotDueSchedule((sql, parameters) => dataSource.query(sql, parameters), count);
  await dataSource.query('ANALYZE renewal_services');
  await dataSource.query('ANALYZE renewal_terms');
}

async function runScenario(multiple: number): Promise<Scenario> {
  const notDue = DUE * multiple;
  const database = await createTestDatabase(`bench_renewal_${multiple}`);
  const prefix = `bench.renewal.${randomUUID().slice(0, 8)}`;
  const config = loadConfig(renewalService.configSchema, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    RENEWAL_SCHEDULER_INTERVAL_MS: '0',
    RENEWAL_SCHEDULER_BATCH_SIZE: process.env.RENEWAL_SCHEDULER_BATCH_SIZE ?? '',
    RENEWAL_SCHEDULER_CONCURRENCY: process.env.RENEWAL_SCHEDULER_CONCURRENCY ?? '',
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '',
  });
  const app = await createServiceApp(renewalService, config);
  await app.init();
  const consumer = testKafka('renewal-bench').consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 50 });
  try {
    const dataSource = app.get(DataSource);
    process.stdout.write(`\n${DUE.toLocaleString()} due among ${notDue.toLocaleString()} not due: seeding… `);
    const seeding = performance.now();
    await dataSource.transaction((manager) => seedDue(sqlOf(manager)));
    if (notDue > 0) await seedNotDue(dataSource, notDue);
    const seedSeconds = (performance.now() - seeding) / 1_000;
    process.stdout.write(`${round(seedSeconds, 1)} s\n`);

    const published: number[] = [];
    const requestedAt: number[] = [];
    const clock = app.get(CLOCK) as AdjustableClock;
    clock.set(Temporal.Instant.from(RUN_AT));
    const offsetMs = clock.now().epochMilliseconds - Date.now();
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(config, topics.renewals), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(String(message.value)) as { type: string; data: { requestedAt: string } };
        if (event.type !== 'RenewalInvoiceRequested') return;
        published.push(Date.now());
        requestedAt.push(Date.parse(event.data.requestedAt) - offsetMs);
      },
    });

    const started = performance.now();
    const startedAt = Date.now();
    const report = await app.get(RenewalScheduler).run();
    const runSeconds = (performance.now() - started) / 1_000;
    if (report.invoicesRequested !== DUE) throw new Error(`the run requested ${report.invoicesRequested} invoices, not ${DUE}`);
    await waitUntil(() => published.length >= DUE, { timeoutMs: 300_000, intervalMs: 20, description: `${DUE} RenewalInvoiceRequested on the topic` });
    const publishedSeconds = (Math.max(...published) - startedAt) / 1_000;
    // claim → on the topic, per renewal (requestedAt is stamped when the term is stepped)
    const latencies = published.map((at, index) => at - requestedAt[index]).sort((a, b) => a - b);
    const scenario: Scenario = {
      notDue,
      due: DUE,
      runSeconds: round(runSeconds, 3),
      publishedSeconds: round(publishedSeconds, 3),
      renewalsPerSecond: Math.round(DUE / publishedSeconds),
      latencyMs: { p50: Math.round(percentile(latencies, 0.5)), p99: Math.round(percentile(latencies, 0.99)), max: Math.round(latencies[latencies.length - 1]) },
      seedSeconds: round(seedSeconds, 1),
    };
    process.stdout.write(
      `run ${scenario.runSeconds} s, all published after ${scenario.publishedSeconds} s: ${scenario.renewalsPerSecond} renewals/s, step→topic p50 ${scenario.latencyMs.p50} ms, p99 ${scenario.latencyMs.p99} ms\n`,
    );
    return scenario;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await app.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  await startBenchBroker();
  const scenarios: Scenario[] = [];
  for (const multiple of SCENARIOS) scenarios.push(await runScenario(multiple));
  const [baseline] = scenarios;
  const flatness = scenarios.map(({ notDue, runSeconds }) => ({ notDue, runSecondsVsBaseline: round(runSeconds / baseline.runSeconds, 2) }));
  const flat = flatness.every(({ runSecondsVsBaseline }) => runSecondsVsBaseline <= 1.2);
  const result = {
    benchmark: 'renewal-scheduler',
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.split(' ').slice(0, 2).join(' '), node: process.version },
    settings: { batchSize: Number(process.env.RENEWAL_SCHEDULER_BATCH_SIZE ?? 100), concurrency: Number(process.env.RENEWAL_SCHEDULER_CONCURRENCY ?? 8), topicPartitions: 12 },
    scenarios,
    flatness,
    targets: { runTimeWithin: '20 % of the baseline at 10× and 100× not-due services', met: flat },
  };
  const file = writeResults('renewal', result);
  process.stdout.write(`\nrun time vs baseline: ${flatness.map(({ notDue, runSecondsVsBaseline }) => `${notDue.toLocaleString()} not due ×${runSecondsVsBaseline}`).join(', ')} → ${flat ? 'flat' : 'NOT flat'}\nwritten to ${file}\n`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
