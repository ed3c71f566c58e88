// The outbox relay against the real PostgreSQL and Kafka: what reaches the topic, in which
// shape, how it resumes, who publishes, how fast it wakes up, and what its metrics say.
import { randomUUID } from 'node:crypto';
import { eventHeaders } from '@billing/contracts';
import { createTopics, testKafka, uniqueTopicName, waitUntil } from '@billing/testing';
import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { derivedEventId, OutboxRelay, PostgresEventStore, type NewEvent, type OutboxRelayOptions, type RelayLogger } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { serviceHistory } from './sample-events';
import { TopicRecorder } from './topic-recorder';

describe('Outbox relay', () => {
  const kafka = testKafka('outbox-relay-test');
  let admin: Admin;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  const running: OutboxRelay[] = [];
  const recorders: TopicRecorder[] = [];
  const topics: string[] = [];
  const failures: unknown[] = [];
  const logger: RelayLogger = { info: () => undefined, warn: (details) => failures.push(details), error: (details) => failures.push(details) };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  // a relay publishes its whole database: each test gets an empty one
  beforeEach(async () => {
    database = await createEventStoreDatabase('es_relay', 8);
    store = new PostgresEventStore(database.dataSource);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((relay) => relay.stop()));
    await Promise.all(recorders.splice(0).map((recorder) => recorder.stop()));
    await database?.drop();
    expect(failures.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  async function newTopic(): Promise<string> {
    const topic = uniqueTopicName('outbox');
    topics.push(topic);
    await createTopics(admin, [topic], 3);
    return topic;
  }

  function relay(options: Partial<OutboxRelayOptions> & { topic: string }): OutboxRelay {
    const instance = new OutboxRelay({ name: `relay-${randomUUID()}`, store, kafka, logger, pollIntervalMs: 100, ...options });
    running.push(instance);
    return instance;
  }

  async function record(topic: string): Promise<TopicRecorder> {
    const recorder = await new TopicRecorder(kafka, topic).start();
    recorders.push(recorder);
    return recorder;
  }

  async function appendServices(services: number, eventsEach: number, customerId = `customer-${randomUUID().slice(0, 6)}`): Promise<NewEvent[]> {
    const appended: NewEvent[] = [];
    for (let index = 0; index < services; index++) {
      const serviceId = `service-${randomUUID()}`;
      const events = serviceHistory(serviceId, eventsEach, customerId);
      await store.append(serviceId, events, { expectedVersion: 'noStream' });
      appended.push(...events);
    }
    return appended;
  }

  function countById(ids: string[]): Map<string, number> {
    return ids.reduce((counts, id) => counts.set(id, (counts.get(id) ?? 0) + 1), new Map<string, number>());
  }

  it('publishes every stored event once, keyed by partition key, with the envelope as value and the event headers', async () => {
    const topic = await newTopic();
    const appended = await appendServices(4, 3);
    const publisher = relay({ topic, batchSize: 5 });
    await publisher.start();
    const recorder = await record(topic);

    await recorder.waitForEventIds(appended.map((event) => event.eventId));

    expect([...countById(recorder.eventIds()).values()].every((count) => count === 1)).toBe(true);
    expect(recorder.messages).toHaveLength(appended.length);
    const first = appended[0];
    const message = recorder.messages.find((candidate) => candidate.envelope.eventId === first.eventId)!;
    expect(message.key).toBe(first.metadata.partitionKey);
    expect(message.envelope).toEqual({ eventId: first.eventId, type: first.type, schemaVersion: 1, data: first.data, metadata: first.metadata });
    expect(message.headers).toEqual({
      [eventHeaders.eventType]: first.type,
      [eventHeaders.schemaVersion]: '1',
      [eventHeaders.eventId]: first.eventId,
      [eventHeaders.correlationId]: first.metadata.correlationId,
      [eventHeaders.causationId]: first.metadata.causationId,
      [eventHeaders.traceparent]: first.metadata.traceparent,
    });
    // one customer's events share a key, hence a partition, in the order they were stored
    const partitions = new Set(recorder.messages.map((recorded) => recorded.partition));
    expect(partitions.size).toBe(1);
    expect(recorder.eventIds()).toEqual(appended.map((event) => event.eventId));
  });

  it('publishes only what the mapping makes public, and moves past the rest', async () => {
    const topic = await newTopic();
    const appended = await appendServices(3, 3);
    const publisher = relay({
      topic,
      toMessages: (event) =>
        event.type === 'ServiceActivated'
          ? [{ eventId: derivedEventId(event.eventId, 'ServiceActivated.v1'), type: 'ServiceActivated', schemaVersion: 1, data: event.data, metadata: event.metadata }]
          : [],
    });
    await publisher.start();
    const recorder = await record(topic);
    const publicIds = appended.filter((event) => event.type === 'ServiceActivated').map((event) => derivedEventId(event.eventId, 'ServiceActivated.v1'));

    await recorder.waitForEventIds(publicIds);
    await waitUntil(async () => (await publisher.lag())?.events === 0, { description: 'the relay to pass the private events' });

    expect(recorder.eventIds().sort()).toEqual([...publicIds].sort());
    expect(publisher.status()).toMatchObject({ publishedMessages: 3, publishedEvents: 9 });
  });

  it('resumes from its saved checkpoint after a restart, publishing nothing twice', async () => {
    const topic = await newTopic();
    const name = `relay-${randomUUID()}`;
    const before = await appendServices(3, 2);
    const first = relay({ topic, name });
    await first.start();
    const recorder = await record(topic);
    await recorder.waitForEventIds(before.map((event) => event.eventId));
    await first.stop();

    const after = await appendServices(3, 2);
    const second = relay({ topic, name });
    await second.start();
    await recorder.waitForEventIds(after.map((event) => event.eventId));

    expect(recorder.eventIds()).toEqual([...before, ...after].map((event) => event.eventId));
    expect(second.status().publishedEvents).toBe(after.length);
  });

  it('wakes up on the append NOTIFY instead of waiting for its poll', async () => {
    const topic = await newTopic();
    const publisher = relay({ topic, pollIntervalMs: 60_000 });
    await publisher.start();
    const recorder = await record(topic);
    await waitUntil(() => publisher.status().leader, { description: 'the relay to take the lead' });
    // let it go idle on its 60 s poll
    await new Promise((resolve) => setTimeout(resolve, 300));

    const startedAt = performance.now();
    const appended = await appendServices(1, 1);
    await recorder.waitForEventIds(appended.map((event) => event.eventId), 10_000);

    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });

  it('publishes what an older transaction of its database hid as soon as that transaction ends, though it sends no NOTIFY', async () => {
    const topic = await newTopic();
    const recorder = await record(topic);
    const [visible] = await appendServices(1, 1);
    // a projection's transaction, say: it holds an xid and writes no event, so it notifies no one
    const blocker = await database.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()');
      const [hidden] = await appendServices(1, 1);
      // started after both appends (no NOTIFY reaches it), idle on a 60 s poll
      const publisher = relay({ topic, pollIntervalMs: 60_000 });
      await publisher.start();
      await recorder.waitForEventIds([visible.eventId], 10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(recorder.eventIds()).not.toContain(hidden.eventId);

      const committedAt = performance.now();
      await blocker.query('COMMIT');
      await recorder.waitForEventIds([hidden.eventId], 10_000);
      expect(performance.now() - committedAt).toBeLessThan(1_000);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  });

  it('lets one instance per relay name publish while the other stands by, and hands over when it stops', async () => {
    const topic = await newTopic();
    const name = `relay-${randomUUID()}`;
    const instances = [relay({ topic, name, standbyRetryMs: 200 }), relay({ topic, name, standbyRetryMs: 200 })];
    await Promise.all(instances.map((instance) => instance.start()));
    const recorder = await record(topic);
    await waitUntil(() => instances.some((instance) => instance.status().leader), { description: 'a leader' });
    const leader = instances.find((instance) => instance.status().leader)!;
    const standby = instances.find((instance) => instance !== leader)!;

    const early = await appendServices(5, 2);
    await recorder.waitForEventIds(early.map((event) => event.eventId));
    expect(standby.status()).toMatchObject({ leader: false, publishedEvents: 0 });

    await leader.stop();
    const late = await appendServices(5, 2);
    await recorder.waitForEventIds(late.map((event) => event.eventId));

    expect(standby.status().leader).toBe(true);
    // each event exactly once; order only holds per partition, and these customers span several
    expect([...recorder.eventIds()].sort()).toEqual([...early, ...late].map((event) => event.eventId).sort());
  });

  it('reports lag on the registry it is given: events not yet published and the age of the oldest', async () => {
    const topic = await newTopic();
    const registry = new Registry();
    const publisher = relay({ topic, registry });
    const appended = await appendServices(1, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const before = await registry.metrics();
    expect(before).toContain(`outbox_relay_unpublished_events{relay="${publisher.name}"} 5`);
    const age = Number(new RegExp(`outbox_relay_oldest_unpublished_event_age_seconds\\{relay="${publisher.name}"\\} ([0-9.e-]+)`).exec(before)?.[1]);
    expect(age).toBeGreaterThan(0);

    await publisher.start();
    const recorder = await record(topic);
    await recorder.waitForEventIds(appended.map((event) => event.eventId));
    await waitUntil(async () => (await registry.metrics()).includes(`outbox_relay_unpublished_events{relay="${publisher.name}"} 0`), {
      description: 'the lag gauge to reach 0',
    });
    const after = await registry.metrics();
    expect(after).toContain(`outbox_relay_oldest_unpublished_event_age_seconds{relay="${publisher.name}"} 0`);
    expect(after).toContain(`outbox_relay_published_messages_total{relay="${publisher.name}"} 5`);
    expect(after).toContain(`outbox_relay_leader{relay="${publisher.name}"} 1`);
  });

  it('finishes the batch in flight when stopped: it is sent and its checkpoint saved, and nothing after it', async () => {
    const topic = await newTopic();
    const appended = await appendServices(5, 5);
    let stopping: Promise<void> | undefined;
    const publisher: OutboxRelay = relay({
      topic,
      batchSize: 10,
      toMessages: (event) => {
        // stop() arrives while the first batch is being mapped, before it is sent
        stopping ??= publisher.stop();
        return [{ eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata }];
      },
    });
    await publisher.start();
    await waitUntil(() => stopping !== undefined, { description: 'the first batch' });
    await stopping;

    const recorder = await record(topic);
    await recorder.waitForEventIds(appended.slice(0, 10).map((event) => event.eventId));
    const { rows } = await database.pool.query('SELECT global_position::text AS position FROM event_store.outbox_checkpoints WHERE name = $1', [publisher.name]);
    const tenth = (await store.readStream((appended[9].data as { serviceId: string }).serviceId)).events[4];
    expect(tenth.eventId).toBe(appended[9].eventId);
    expect(rows[0].position).toBe(tenth.position.globalPosition);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.eventIds()).toEqual(appended.slice(0, 10).map((event) => event.eventId));
  });
});
