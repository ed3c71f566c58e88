// Crash safety: the relay runs in a child process that is SIGKILLed while it publishes, then
// replaced. Every stored event must reach the topic; the batch that was sent but not yet
// checkpointed when the process died may arrive twice, and nothing more than that batch.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTopics, testKafka, uniqueTopicName, waitUntil } from '@billing/testing';
import type { Admin } from 'kafkajs';
import { PostgresEventStore } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { serviceHistory } from './sample-events';
import { TopicRecorder } from './topic-recorder';

const BATCH_SIZE = 25;
const root = path.resolve(__dirname, '../../..');

describe('Outbox relay crash safety', () => {
  const kafka = testKafka('relay-crash');
  const topic = uniqueTopicName('relay-crash');
  let admin: Admin;
  let database: EventStoreDatabase;
  const children: ChildProcess[] = [];
  let recorder: TopicRecorder | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [topic], 3);
    database = await createEventStoreDatabase('es_crash');
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await recorder?.stop();
    await database?.drop();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  function startRelayProcess(): ChildProcess {
    const child = spawn(process.execPath, ['-r', path.join(root, 'tools/register.js'), path.join(__dirname, 'outbox-relay-process.ts')], {
      cwd: root,
      env: { ...process.env, RELAY_DATABASE_URL: database.url, RELAY_TOPIC: topic, RELAY_BATCH_SIZE: String(BATCH_SIZE) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') console.error(`relay process exited with ${code ?? signal}: ${stderr}`);
    });
    children.push(child);
    return child;
  }

  it('publishes every stored event after the relay process is killed mid-stream and restarted', async () => {
    const store = new PostgresEventStore(database.pool);
    recorder = await new TopicRecorder(kafka, topic).start();
    const stored: string[] = [];
    let keepWriting = true;
    const writer = (async () => {
      for (let service = 0; keepWriting; service++) {
        const serviceId = `service-${randomUUID()}`;
        const events = serviceHistory(serviceId, 20, `customer-${service % 7}`);
        await store.append(serviceId, events, { expectedVersion: 'noStream' });
        stored.push(...events.map((event) => event.eventId));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const first = startRelayProcess();
    await waitUntil(() => recorder!.messages.length >= 300, { timeoutMs: 30_000, description: 'the first relay to publish 300 events' });
    first.kill('SIGKILL');
    await once(first, 'exit');
    const publishedBeforeKill = recorder.messages.length;
    const storedAtKill = stored.length;

    const second = startRelayProcess();
    await waitUntil(() => stored.length >= storedAtKill + 500, { timeoutMs: 30_000, description: 'more events after the restart' });
    keepWriting = false;
    await writer;
    await recorder.waitForEventIds(stored, 60_000);
    second.kill('SIGTERM');
    const [exitCode] = await once(second, 'exit');
    await recorder.stop();

    const published = recorder.eventIds();
    const duplicates = published.length - new Set(published).size;
    console.info(
      `crash safety: ${stored.length} events stored (${storedAtKill} at the kill, ${publishedBeforeKill} of them published by then), ` +
        `${published.length} messages on the topic, ${duplicates} duplicates`,
    );
    expect(publishedBeforeKill).toBeLessThan(storedAtKill);
    expect(new Set(published)).toEqual(new Set(stored));
    expect(duplicates).toBeLessThanOrEqual(BATCH_SIZE);
    expect(exitCode).toBe(0);
  });
});
