// A process that starts tracing the way a service does (after kafkajs, pg and express are loaded
// through its imports) and exercises each instrumented path once: an HTTP request to an express
// route, a PostgreSQL query, a Kafka message sent and consumed. It prints the finished spans as
// JSON on its last line. With TRACED_FIXTURE_MODE=off it starts tracing without configuration
// and prints which OpenTelemetry modules got loaded.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { kafkaClient } from '@billing/messaging';
import { testDatabaseUrl, testKafkaBrokers } from '@billing/testing';
import express from 'express';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';
import { startTracing } from '../../src/tracing/tracing';

async function tracedRun(): Promise<void> {
  const { tracing } = await import('@opentelemetry/sdk-node');
  const exporter = new tracing.InMemorySpanExporter();
  const handle = startTracing('traced-fixture', {}, { exporter });

  // HTTP into an express route
  const app = express();
  app.get('/hello/:name', (_request, response) => {
    response.json({ hello: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hello/world`)).text();
  server.close();

  // PostgreSQL
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  await client.query('SELECT 1 AS one');
  await client.end();

  // Kafka: one message over the broker, consumed with eachBatch as the messaging runtime does
  const kafka = kafkaClient({ clientId: 'traced-fixture', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = `test.tracing.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `traced-fixture-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = false;
  await consumer.run({ eachBatch: async ({ batch }) => void (consumed ||= batch.messages.length > 0) });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'customer-1', value: '{"type":"Hello"}' }] });
  const deadline = Date.now() + 30_000;
  while (!consumed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await producer.disconnect();
  await consumer.disconnect();

  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    attributes: span.attributes,
    scope: span.instrumentationScope.name,
  }));
  await handle?.shutdown();
  process.stdout.write(`${JSON.stringify({ consumed, spans })}\n`);
}

async function untracedRun(): Promise<void> {
  const handle = startTracing('untraced-fixture', { OTEL_SDK_DISABLED: 'false' });
  const loaded = Object.keys(require.cache).filter((file) => file.includes('@opentelemetry'));
  process.stdout.write(`${JSON.stringify({ started: handle !== undefined, loaded })}\n`);
}

(process.env.TRACED_FIXTURE_MODE === 'off' ? untracedRun() : tracedRun()).then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
