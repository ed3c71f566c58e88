// Event store and outbox relay throughput on the local PostgreSQL and Kafka: batched appends to
// one stream, batched appends across 1,000 streams from 4 concurrent writers, and the relay's
// publish rate from store to topic. Prints the figures and writes them to
// bench/results/platform-eventsourcing.json.
//
//   node -r ./tools/register.js bench/eventsourcing/platform.bench.ts
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventMetadata } from '@billing/contracts';
import { eventStoreMigrations, OutboxRelay, PostgresEventStore, type NewEvent } from '@billing/eventsourcing';
import { createTestDatabase, createTopics, testKafka, uniqueTopicName, waitUntil } from '@billing/testing';
import { startBenchBroker } from '../broker';
import { DataSource } from 'typeorm';

const ONE_STREAM = { appends: 300, eventsPerAppend: 100 };
const ONE_STREAM_UNBATCHED = { appends: 2_000 };
const MANY_STREAMS = { streams: 1_000, writers: 4, rounds: 5, eventsPerAppend: 10 };
const RELAY_BATCH_SIZE = 1_000;
const TOPIC_PARTITIONS = 12;

interface Throughput {
  events: number;
  appends: number;
  seconds: number;
  eventsPerSecond: number;
  appendsPerSecond: number;
}

function renewModeChanged(serviceId: string, customerId: string, metadata: EventMetadata): NewEvent {
  return { eventId: randomUUID(), type: 'ServiceRenewModeChanged', data: { serviceId, renewMode: 'manual' }, metadata: { ...metadata, partitionKey: customerId } };
}

function batch(serviceId: string, customerId: string, size: number): NewEvent[] {
  const metadata: EventMetadata = { correlationId: randomUUID(), occurredAt: '2025-03-01T10:00:00.000Z', partitionKey: customerId };
  return Array.from({ length: size }, () => renewModeChanged(serviceId, customerId, metadata));
}

async function measure(phase: string, events: number, appends: number, work: () => Promise<void>): Promise<Throughput> {
  process.stdout.write(`${phase}… `);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1_000;
  process.stdout.write(`${round(seconds)} s\n`);
  return { events, appends, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds), appendsPerSecond: Math.round(appends / seconds) };
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

async function main(): Promise<void> {
  await startBenchBroker();
  const database = await createTestDatabase('bench_eventsourcing');
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: eventStoreMigrations,
    migrationsTableName: 'typeorm_migrations',
    extra: { max: MANY_STREAMS.writers + 2, idle_in_transaction_session_timeout: 60_000 },
  });
  const kafka = testKafka('bench-eventsourcing');
  const admin = kafka.admin();
  const topic = uniqueTopicName('bench-eventsourcing');
  let relay: OutboxRelay | undefined;
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const store = new PostgresEventStore(dataSource);

    const oneStreamId = `service-${randomUUID()}`;
    const oneStream = await measure('append, one stream, batched', ONE_STREAM.appends * ONE_STREAM.eventsPerAppend, ONE_STREAM.appends, async () => {
      let version = 0;
      for (let append = 0; append < ONE_STREAM.appends; append++) {
        ({ nextExpectedVersion: version } = await store.append(oneStreamId, batch(oneStreamId, 'customer-1', ONE_STREAM.eventsPerAppend), {
          expectedVersion: version,
        }));
      }
    });

    const unbatchedStreamId = `service-${randomUUID()}`;
    const oneStreamUnbatched = await measure('append, one stream, one event each', ONE_STREAM_UNBATCHED.appends, ONE_STREAM_UNBATCHED.appends, async () => {
      let version = 0;
      for (let append = 0; append < ONE_STREAM_UNBATCHED.appends; append++) {
        ({ nextExpectedVersion: version } = await store.append(unbatchedStreamId, batch(unbatchedStreamId, 'customer-1', 1), { expectedVersion: version }));
      }
    });

    const streams = Array.from({ length: MANY_STREAMS.streams }, (_, index) => ({ id: `service-${randomUUID()}`, customerId: `customer-${index % 200}`, version: 0 }));
    const manyAppends = MANY_STREAMS.streams * MANY_STREAMS.rounds;
    const manyStreams = await measure('append, 1,000 streams, 4 writers', manyAppends * MANY_STREAMS.eventsPerAppend, manyAppends, async () => {
      await Promise.all(
        Array.from({ length: MANY_STREAMS.writers }, async (_, writer) => {
          const mine = streams.filter((_, index) => index % MANY_STREAMS.writers === writer);
          for (let round = 0; round < MANY_STREAMS.rounds; round++) {
            for (const stream of mine) {
              const result = await store.append(stream.id, batch(stream.id, stream.customerId, MANY_STREAMS.eventsPerAppend), { expectedVersion: stream.version });
              stream.version = result.nextExpectedVersion;
            }
          }
        }),
      );
    });

    const stored = oneStream.events + oneStreamUnbatched.events + manyStreams.events;
    await admin.connect();
    await createTopics(admin, [topic], TOPIC_PARTITIONS);
    relay = new OutboxRelay({ name: 'bench', store, kafka, topic, batchSize: RELAY_BATCH_SIZE });
    const publisher = relay;
    const relayPublish = await measure('relay, store to Kafka', stored, 0, async () => {
      await publisher.start();
      await waitUntil(() => publisher.status().publishedEvents >= stored, { timeoutMs: 600_000, intervalMs: 20, description: `${stored} events published` });
    });
    await relay.stop();
    const onTopic = (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);

    const results = {
      benchmark: 'platform-eventsourcing',
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      appendOneStreamBatched: { ...oneStream, eventsPerAppend: ONE_STREAM.eventsPerAppend },
      appendOneStreamOneEventPerAppend: oneStreamUnbatched,
      appendAcrossStreamsBatched: { ...manyStreams, streams: MANY_STREAMS.streams, writers: MANY_STREAMS.writers, eventsPerAppend: MANY_STREAMS.eventsPerAppend },
      relayPublish: { events: stored, messagesOnTopic: onTopic, seconds: relayPublish.seconds, eventsPerSecond: relayPublish.eventsPerSecond, batchSize: RELAY_BATCH_SIZE, partitions: TOPIC_PARTITIONS },
      targets: { batchedAppendEventsPerSecond: 5_000 },
    };

    const rows: [string, string][] = [
      [`append, one stream, ${ONE_STREAM.eventsPerAppend} events/append`, `${oneStream.eventsPerSecond} events/s (${oneStream.appendsPerSecond} appends/s)`],
      ['append, one stream, 1 event/append', `${oneStreamUnbatched.eventsPerSecond} events/s`],
      [
        `append, ${MANY_STREAMS.streams} streams, ${MANY_STREAMS.writers} writers, ${MANY_STREAMS.eventsPerAppend} events/append`,
        `${manyStreams.eventsPerSecond} events/s (${manyStreams.appendsPerSecond} appends/s)`,
      ],
      [`relay store -> Kafka, batch ${RELAY_BATCH_SIZE}`, `${relayPublish.eventsPerSecond} events/s (${stored} events, ${onTopic} on the topic)`],
    ];
    for (const [name, figure] of rows) console.log(`${name.padEnd(62)} ${figure}`);
    const batchedMinimum = Math.min(oneStream.eventsPerSecond, manyStreams.eventsPerSecond);
    console.log(`target >= 5,000 batched appends (events)/s: ${batchedMinimum >= 5_000 ? 'met' : 'NOT met'} (${batchedMinimum})`);

    const output = path.resolve(__dirname, '../results/platform-eventsourcing.json');
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), output)}`);
  } finally {
    await relay?.stop().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
