// The legacy import's throughput on the local PostgreSQL and Kafka: the subscription service runs
// in-process on a fresh database, an operator posts an export of N services (JSON lines), and the
// bench times the import (HTTP answer: every service appended), the read model catching up
// (outbox relay → Kafka → projection), and a second run of the same export (all already present).
// Prints the figures and writes them to bench/results/legacy-import-<services>.json.
//
//   npm run bench:import -- [services=10000]
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { issueDevelopmentToken } from '@billing/auth';
import { createServiceApp, loadConfig } from '@billing/platform';
import { createTestDatabase, testKafkaBrokers, waitUntil } from '@billing/testing';
import { startBenchBroker } from '../broker';
import { DataSource } from 'typeorm';
import { subscriptionService } from '../../services/subscription/src/service';
import { writeResults } from '../results-file';

const services = Number(process.argv[2] ?? 10_000);
const servicesPerCustomer = 10;
const plans = [
  { subsidiary: 'FR', planCode: 'web-hosting-pro', period: 'P1Y', price: 8199 },
  { subsidiary: 'DE', planCode: 'dedicated-ks-1', period: 'P1M', price: 1099 },
  { subsidiary: 'ES', planCode: 'domain-com', period: 'P1Y', price: 1399 },
];

function exportOf(count: number): string {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, index) => {
    const plan = plans[index % plans.length];
    const day = String((index % 28) + 1).padStart(2, '0');
    return JSON.stringify({
      legacyServiceId: `legacy-${run}-${index}`,
      customerId: `legacy-customer-${run}-${Math.floor(index / servicesPerCustomer)}`,
      ...plan,
      expirationDate: `2027-0${(index % 9) + 1}-${day}`,
      legacyContract: index % 3 !== 0,
    });
  }).join('\n');
}

async function main(): Promise<void> {
  await startBenchBroker();
  const database = await createTestDatabase('subscription_import_bench');
  const config = loadConfig(subscriptionService.configSchema, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: `bench.subscription-import.${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'error',
  });
  const app = await createServiceApp(subscriptionService, config);
  await app.listen(0, '127.0.0.1');
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/operator/services/import`;
  const authorization = `Bearer ${await issueDevelopmentToken('bench-operator', { roles: ['operator'] })}`;
  const dataSource = app.get(DataSource);
  try {
    const body = exportOf(services);
    const post = async () => {
      const response = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/x-ndjson' }, body });
      return (await response.json()) as { imported: number; alreadyPresent: number; rejected: unknown[] };
    };

    process.stdout.write(`importing ${services} services (${(body.length / 1e6).toFixed(1)} MB)… `);
    const started = performance.now();
    const first = await post();
    const importSeconds = (performance.now() - started) / 1_000;
    process.stdout.write(`${importSeconds.toFixed(2)} s ${JSON.stringify({ ...first, rejected: first.rejected.length })}\n`);

    process.stdout.write('read model catching up… ');
    await waitUntil(async () => (await dataSource.query(`SELECT count(*)::int AS count FROM services`))[0].count === services, {
      timeoutMs: 30 * 60_000,
      intervalMs: 200,
      description: 'the read model to have every service',
    });
    const readModelSeconds = (performance.now() - started) / 1_000;
    process.stdout.write(`${readModelSeconds.toFixed(2)} s after the start\n`);

    process.stdout.write('second run of the same export… ');
    const again = performance.now();
    const second = await post();
    const reimportSeconds = (performance.now() - again) / 1_000;
    process.stdout.write(`${reimportSeconds.toFixed(2)} s ${JSON.stringify({ ...second, rejected: second.rejected.length })}\n`);

    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9) },
      services,
      batchSize: config.IMPORT_BATCH_SIZE,
      import: { seconds: round(importSeconds), servicesPerSecond: Math.round(services / importSeconds), imported: first.imported },
      readModel: { secondsFromStart: round(readModelSeconds), servicesPerSecond: Math.round(services / readModelSeconds) },
      reimport: { seconds: round(reimportSeconds), alreadyPresent: second.alreadyPresent, imported: second.imported },
      projected100k: { importMinutes: round(100_000 / (services / importSeconds) / 60), readModelMinutes: round(100_000 / (services / readModelSeconds) / 60) },
    };
    const file = writeResults(`legacy-import-${services}`, results);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to ${file}\n`);
  } finally {
    await app.close();
    await database.drop();
  }
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
