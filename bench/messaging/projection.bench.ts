// Projection figures on the local PostgreSQL and Kafka: the rate at which a projection with
// batched upserts drains a backlog into a TypeORM read model, and the produce → projected
// latency at a steady 1,000 events/s. Prints the figures and writes them to
// bench/results/platform-messaging.json.
//
//   node -r ./tools/register.js bench/messaging/projection.bench.ts
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { DEFAULT_PARTITIONS, deadLetterTopic } from '@billing/contracts';
import {
  defineEvent,
  eventMessage,
  EventRegistry,
  messagingMigrations,
  MessagingRuntime,
  readCheckpoints,
  type EnvelopeOf,
  type Projection,
} from '@billing/messaging';
import { createTestDatabase, testKafka, testKafkaBrokers, uniqueTopicName, waitUntil } from '@billing/testing';
import { startBenchBroker } from '../broker';
import { Partitioners } from 'kafkajs';
import { Column, DataSource, Entity, PrimaryColumn, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { writeResults } from '../results-file';

const BACKLOG = { events: 200_000, customers: 20_000 };
const STEADY = { eventsPerSecond: 1_000, seconds: 15, tickMs: 10 };
const TARGETS = { eventsPerSecond: 10_000, p99Ms: 250 };

const invoicePaid = defineEvent(
  'InvoicePaid',
  1,
  z.object({ invoiceId: z.string(), customerId: z.string(), amount: z.int(), currency: z.string().length(3), paidAt: z.string() }),
);
type InvoicePaid = EnvelopeOf<typeof invoicePaid>;
const invoiceEvents = EventRegistry.of(invoicePaid);

/** The read model: what each customer has paid so far. */
@Entity('customer_payments')
class CustomerPayments {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @Column({ name: 'invoices_paid', type: 'integer' }) invoicesPaid!: number;
  @Column({ name: 'amount_paid', type: 'bigint' }) amountPaid!: string;
  @Column({ name: 'last_paid_at', type: 'timestamptz' }) lastPaidAt!: Date;
}

class CreateCustomerPayments1760000000100 implements MigrationInterface {
  name = 'CreateCustomerPayments1760000000100';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE customer_payments (
      customer_id text PRIMARY KEY, invoices_paid integer NOT NULL, amount_paid bigint NOT NULL, last_paid_at timestamptz NOT NULL)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE customer_payments`);
  }
}

function customerPayments(name: string, topic: string, afterCommit?: (events: readonly InvoicePaid[]) => void): Projection<InvoicePaid> {
  return {
    name,
    topics: [topic],
    events: invoiceEvents,
    readModelTables: ['customer_payments'],
    // one statement per transaction: the batch summed per customer, then upserted with unnest
    async project(events, manager: EntityManager) {
      const sums = new Map<string, { invoices: number; amount: number; lastPaidAt: string }>();
      for (const { data } of events) {
        const sum = sums.get(data.customerId) ?? { invoices: 0, amount: 0, lastPaidAt: data.paidAt };
        sum.invoices += 1;
        sum.amount += data.amount;
        if (data.paidAt > sum.lastPaidAt) sum.lastPaidAt = data.paidAt;
        sums.set(data.customerId, sum);
      }
      const ids = [...sums.keys()];
      const rows = [...sums.values()];
      await manager.query(
        `INSERT INTO customer_payments (customer_id, invoices_paid, amount_paid, last_paid_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::timestamptz[])
         ON CONFLICT (customer_id) DO UPDATE SET
           invoices_paid = customer_payments.invoices_paid + excluded.invoices_paid,
           amount_paid = customer_payments.amount_paid + excluded.amount_paid,
           last_paid_at = greatest(customer_payments.last_paid_at, excluded.last_paid_at)`,
        [ids, rows.map((r) => r.invoices), rows.map((r) => r.amount), rows.map((r) => r.lastPaidAt)],
      );
    },
    afterCommit,
  };
}

function paid(customerId: string, amount: number): InvoicePaid {
  const paidAt = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'InvoicePaid',
    schemaVersion: 1,
    data: { invoiceId: randomUUID(), customerId, amount, currency: 'EUR', paidAt },
    metadata: { correlationId: randomUUID(), occurredAt: paidAt, partitionKey: customerId },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const silent = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

function runtimeFor(dataSource: DataSource, groupId: string): MessagingRuntime {
  return new MessagingRuntime(
    {
      brokers: testKafkaBrokers(),
      clientId: 'bench-messaging',
      groupId,
      topicDefaults: { partitions: DEFAULT_PARTITIONS },
      consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100, partitionsConsumedConcurrently: 6 },
      maxEventsPerTransaction: 2_000,
      logger: silent,
    },
    { dataSource },
  );
}

async function main(): Promise<void> {
  await startBenchBroker();
  const database = await createTestDatabase('bench_messaging');
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: [CustomerPayments],
    migrations: [...messagingMigrations, CreateCustomerPayments1760000000100],
    extra: { max: 12 },
  });
  const kafka = testKafka('bench-messaging');
  const admin = kafka.admin();
  const backlogTopic = uniqueTopicName('bench.backlog');
  const steadyTopic = uniqueTopicName('bench.steady');
  const runtimes: MessagingRuntime[] = [];
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    await admin.connect();

    // 1. drain a backlog: all events are in the topic before the projection starts
    const backlog = runtimeFor(dataSource, backlogTopic);
    runtimes.push(backlog);
    await backlog.ensureTopics([backlogTopic]);
    const loader = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await loader.connect();
    process.stdout.write(`producing a backlog of ${BACKLOG.events} events to ${DEFAULT_PARTITIONS} partitions...\n`);
    const sends: Promise<unknown>[] = [];
    let expectedAmount = 0;
    for (let i = 0; i < BACKLOG.events; i += 1_000) {
      const events = Array.from({ length: 1_000 }, (_, j) => paid(`customer-${(i + j) % BACKLOG.customers}`, 100 + ((i + j) % 900)));
      expectedAmount += events.reduce((sum, event) => sum + event.data.amount, 0);
      sends.push(loader.send({ topic: backlogTopic, acks: -1, messages: events.map(eventMessage) }));
      if (sends.length >= 8) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    await loader.disconnect();

    let drained = 0;
    let firstBatchAt = 0;
    backlog.registerProjection(
      customerPayments('customer-payments', backlogTopic, (events) => {
        firstBatchAt ||= performance.now();
        drained += events.length;
      }),
    );
    const started = performance.now();
    await backlog.start();
    await waitUntil(() => drained >= BACKLOG.events, { timeoutMs: 300_000, intervalMs: 10, description: 'the backlog to be projected' });
    const finished = performance.now();
    await backlog.stop();

    const totals: { invoices: string; amount: string }[] = await dataSource
      .getRepository(CustomerPayments)
      .createQueryBuilder('payments')
      .select('sum(payments.invoicesPaid)', 'invoices')
      .addSelect('sum(payments.amountPaid)', 'amount')
      .getRawMany();
    if (Number(totals[0].invoices) !== BACKLOG.events || Number(totals[0].amount) !== expectedAmount) {
      throw new Error(`read model mismatch: ${JSON.stringify(totals[0])}, expected ${BACKLOG.events} invoices, ${expectedAmount}`);
    }
    const checkpoints = await readCheckpoints(dataSource.manager, 'customer-payments');
    const projectionRate = {
      events: BACKLOG.events,
      customers: BACKLOG.customers,
      partitions: DEFAULT_PARTITIONS,
      partitionsConsumedConcurrently: 6,
      maxEventsPerTransaction: 2_000,
      seconds: round((finished - firstBatchAt) / 1_000, 2),
      eventsPerSecond: Math.round(BACKLOG.events / ((finished - firstBatchAt) / 1_000)),
      secondsIncludingGroupJoin: round((finished - started) / 1_000, 2),
      checkpointedPartitions: checkpoints.length,
      target: TARGETS.eventsPerSecond,
    };
    process.stdout.write(
      `projection rate: ${projectionRate.eventsPerSecond.toLocaleString('en')} events/s (${BACKLOG.events} events in ${projectionRate.seconds} s, ${projectionRate.secondsIncludingGroupJoin} s with the group join)\n`,
    );

    // 2. steady load: produce → projected latency, measured after the transaction committed
    const steady = runtimeFor(dataSource, steadyTopic);
    runtimes.push(steady);
    const producedAt = new Map<string, number>();
    const latencies: number[] = [];
    steady.registerProjection(
      customerPayments('customer-payments-steady', steadyTopic, (events) => {
        const now = performance.now();
        for (const event of events) {
          const at = producedAt.get(event.eventId);
          if (at !== undefined) latencies.push(now - at);
        }
      }),
    );
    await steady.start();
    // the group has joined and every partition has a position once a warm-up event per partition is projected
    const warmUp = Array.from({ length: 200 }, (_, i) => paid(`warm-up-${i}`, 1));
    warmUp.forEach((event) => producedAt.set(event.eventId, performance.now()));
    await steady.producer.publish(steadyTopic, warmUp);
    await waitUntil(() => latencies.length >= warmUp.length, { timeoutMs: 60_000, description: 'the warm-up events' });
    latencies.length = 0;

    const perTick = (STEADY.eventsPerSecond * STEADY.tickMs) / 1_000;
    const ticks = (STEADY.seconds * 1_000) / STEADY.tickMs;
    const loadStarted = performance.now();
    for (let tick = 0; tick < ticks; tick++) {
      const due = loadStarted + tick * STEADY.tickMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const events = Array.from({ length: perTick }, (_, i) => paid(`customer-${(tick * perTick + i) % 5_000}`, 250));
      const now = performance.now();
      events.forEach((event) => producedAt.set(event.eventId, now));
      await steady.producer.publish(steadyTopic, events);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1_000;
    const sent = ticks * perTick;
    await waitUntil(() => latencies.length >= sent, { timeoutMs: 60_000, description: 'the steady load to be projected' });
    await steady.stop();

    const sorted = latencies.slice().sort((a, b) => a - b);
    const latency = {
      targetEventsPerSecond: STEADY.eventsPerSecond,
      achievedEventsPerSecond: Math.round(sent / loadSeconds),
      seconds: round(loadSeconds, 1),
      events: sent,
      p50Ms: round(percentile(sorted, 50)),
      p90Ms: round(percentile(sorted, 90)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1]),
      target: { p99Ms: TARGETS.p99Ms },
    };
    process.stdout.write(
      `produce → projected at ${latency.achievedEventsPerSecond} events/s for ${latency.seconds} s: p50 ${latency.p50Ms} ms, p90 ${latency.p90Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms\n`,
    );

    const result = {
      benchmark: 'platform-messaging',
      date: new Date().toISOString(),
      environment: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, brokers: testKafkaBrokers() },
      projectionRate,
      latency,
      meetsTargets: projectionRate.eventsPerSecond >= TARGETS.eventsPerSecond && latency.p99Ms < TARGETS.p99Ms,
    };
    process.stdout.write(`written to ${writeResults('platform-messaging', result)}\n`);
  } finally {
    await Promise.all(runtimes.map((runtime) => runtime.stop().catch(() => undefined)));
    const topics = [backlogTopic, deadLetterTopic(backlogTopic), steadyTopic, deadLetterTopic(steadyTopic)];
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
