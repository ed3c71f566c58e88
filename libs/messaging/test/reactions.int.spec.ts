// A reaction acts once per event id, however often the event arrives: in the transaction of its
// own writes, or checked before and recorded after an effect outside the database. A failure
// is retried; one that keeps failing is dead-lettered and leaves no effect behind.
import { deadLetterTopic } from '@billing/contracts';
import { uniqueTopicName, waitForConsumerCatchUp } from '@billing/testing';
import { Registry } from 'prom-client';
import { type EnvelopeOf, type MessagingRuntime, type Reaction } from '../src';
import { counterEvents, incremented, produceEvents, type CounterEvent, type counterIncremented } from './fixtures/counter-events';
import { createReadStore, kafkaClients, metricValue, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

describe('reactions', () => {
  const topic = uniqueTopicName('reactions');
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime;
  const registry = new Registry();
  const sentEmails: string[] = [];
  const attemptsByEvent = new Map<string, number>();

  /**
   * Issues a "command" (a row) per increment; fails twice for `flaky` counters, always for `broken`
   * ones. One lane: a run of the partition's events in one transaction, in log order.
   */
  const issueCommand: Reaction<CounterEvent> = {
    name: 'issue-command',
    lanes: 1,
    topics: [topic],
    events: counterEvents,
    handles: ['CounterIncremented'],
    fromBeginning: true,
    async react(event, manager) {
      if (event.type !== 'CounterIncremented') return;
      const attempts = (attemptsByEvent.get(event.eventId) ?? 0) + 1;
      attemptsByEvent.set(event.eventId, attempts);
      await manager.query(`INSERT INTO issued_commands (event_id, counter_id) VALUES ($1, $2)`, [event.eventId, event.data.counterId]);
      if (event.data.counterId.endsWith('/broken')) throw new Error('the command was rejected');
      if (event.data.counterId.endsWith('/flaky') && attempts <= 2) throw new Error('the command timed out');
    },
  };

  /** An effect outside the database: the event id is checked before and recorded after. */
  const sendEmail: Reaction<CounterEvent> = {
    name: 'send-email',
    topics: [topic],
    events: counterEvents,
    idempotency: 'check-then-record',
    fromBeginning: true,
    async react(event) {
      sentEmails.push(event.eventId);
    },
  };

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('reactions'), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
    await store.dataSource.query(`CREATE TABLE issued_commands (id serial PRIMARY KEY, event_id uuid NOT NULL, counter_id text NOT NULL)`);
    runtime = testRuntime(store.dataSource, { groupId: topic }, registry);
    runtime.registerReaction(issueCommand);
    runtime.registerReaction(sendEmail);
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await kafka?.close();
    await store?.close();
  });

  it('acts once per event delivered twice, retries a failure and dead-letters what keeps failing', async () => {
    const events: EnvelopeOf<typeof counterIncremented>[] = Array.from({ length: 60 }, (_, i) => incremented(`r-${i % 6}`, `r-${i % 6}/counter`, 1));
    const flaky = incremented('r-1', 'r-1/flaky', 1);
    const broken = incremented('r-2', 'r-2/broken', 1);
    const all = [...events, flaky, broken];
    await produceEvents(kafka.producer, topic, [...all, ...all.slice().reverse()]);

    await waitForConsumerCatchUp(kafka.admin, `${topic}.issue-command`, topic, 30_000);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.send-email`, topic, 30_000);

    const commands: { event_id: string; count: string }[] = await store.dataSource.query(
      `SELECT event_id, count(*) AS count FROM issued_commands GROUP BY event_id`,
    );
    const issued = new Map(commands.map((row) => [row.event_id, Number(row.count)]));
    // each command once, the flaky one after its retries; the broken one's writes rolled back
    expect([...issued.keys()].sort()).toEqual([...events, flaky].map((event) => event.eventId).sort());
    expect([...issued.values()].every((count) => count === 1)).toBe(true);
    // a failure rolls its run back whole; the run is then applied one event at a time, and each
    // delivery of the event at fault gets its 3 attempts of its own (after the run's, if any)
    expect(attemptsByEvent.get(flaky.eventId)).toBeGreaterThanOrEqual(3);
    expect(attemptsByEvent.get(flaky.eventId)).toBeLessThanOrEqual(4);
    // the broken event arrived twice, and was never handled
    expect(attemptsByEvent.get(broken.eventId)).toBeGreaterThanOrEqual(6);
    expect(attemptsByEvent.get(broken.eventId)).toBeLessThanOrEqual(8);

    expect(sentEmails.slice().sort()).toEqual(all.map((event) => event.eventId).sort());

    const processed: { consumer: string; count: string }[] = await store.dataSource.query(
      `SELECT consumer, count(*) AS count FROM processed_events GROUP BY consumer ORDER BY consumer`,
    );
    expect(processed).toEqual([
      { consumer: 'issue-command', count: String(events.length + 1) },
      { consumer: 'send-email', count: String(all.length) },
    ]);

    expect(await metricValue(registry, 'messaging_dead_letters_total', { topic, reason: 'handler-failed' })).toBe(2);
    const dlt = await kafka.admin.fetchTopicOffsets(deadLetterTopic(topic));
    expect(dlt.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(2);
  });
});

describe('reaction lanes', () => {
  const topic = uniqueTopicName('reaction-lanes');
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime;
  const handled: { customerId: string; eventId: string }[] = [];
  let otherCustomerHandled: () => void = () => undefined;
  const otherCustomer = new Promise<void>((resolve) => (otherCustomerHandled = resolve));

  /** Customer c-0's first event waits until another customer's event is handled: it needs a second lane. */
  const waitForNeighbours: Reaction<CounterEvent> = {
    name: 'wait-for-neighbours',
    topics: [topic],
    events: counterEvents,
    // lanes by default: check-then-record holds no connection while it reacts
    idempotency: 'check-then-record',
    fromBeginning: true,
    async react(event) {
      const customerId = event.metadata.partitionKey;
      if (customerId === 'c-0' && !handled.some((done) => done.customerId === 'c-0')) {
        await Promise.race([otherCustomer, new Promise((_, reject) => setTimeout(() => reject(new Error('no other customer was handled meanwhile')), 10_000))]);
      }
      handled.push({ customerId, eventId: event.eventId });
      if (customerId !== 'c-0') otherCustomerHandled();
    },
  };

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('reaction_lanes'), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
    // one partition: every customer's events in one log, in the order produced
    runtime = testRuntime(store.dataSource, { groupId: topic, topicDefaults: { partitions: 1 } });
    runtime.registerReaction(waitForNeighbours);
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await kafka?.close();
    await store?.close();
  });

  it("handles the customers of a partition side by side, each customer's events in their order, each once", async () => {
    const events = Array.from({ length: 24 }, (_, i) => incremented(`c-${i % 4}`, `c-${i % 4}/counter`, 1));
    await produceEvents(kafka.producer, topic, events);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.wait-for-neighbours`, topic, 30_000);

    // c-0's first event was handled after another customer's, though it came first in the partition
    expect(handled[0].customerId).not.toBe('c-0');
    for (const customerId of ['c-0', 'c-1', 'c-2', 'c-3']) {
      const produced = events.filter((event) => event.metadata.partitionKey === customerId).map((event) => event.eventId);
      expect(handled.filter((done) => done.customerId === customerId).map((done) => done.eventId)).toEqual(produced);
    }
    expect(handled).toHaveLength(events.length);
  });
});

describe('same-transaction runs', () => {
  const topic = uniqueTopicName('reaction-runs');
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime;

  /** Writes a row per event with the id of the transaction it ran in. */
  const recordTransaction: Reaction<CounterEvent> = {
    name: 'record-transaction',
    topics: [topic],
    events: counterEvents,
    fromBeginning: true,
    async react(event, manager) {
      await manager.query(`INSERT INTO reacted (event_id, customer_id, transaction_id) VALUES ($1, $2, pg_current_xact_id()::text)`, [event.eventId, event.metadata.partitionKey]);
    },
  };

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('reaction_runs'), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
    await store.dataSource.query(`CREATE TABLE reacted (position serial PRIMARY KEY, event_id uuid NOT NULL, customer_id text NOT NULL, transaction_id text NOT NULL)`);
    runtime = testRuntime(store.dataSource, { groupId: topic, topicDefaults: { partitions: 1 } });
    runtime.registerReaction(recordTransaction);
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await kafka?.close();
    await store?.close();
  });

  it('reacts to a run of a partition in one transaction, in log order, each event once', async () => {
    const events = Array.from({ length: 48 }, (_, i) => incremented(`t-${i % 3}`, `t-${i % 3}/counter`, 1));
    // each event twice: the second copies are duplicates, in the same run or a later one
    await produceEvents(kafka.producer, topic, [...events, ...events]);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.record-transaction`, topic, 30_000);

    const rows: { event_id: string; transaction_id: string }[] = await store.dataSource.query(`SELECT event_id, transaction_id FROM reacted ORDER BY position`);
    expect(rows.map((row) => row.event_id)).toEqual(events.map((event) => event.eventId));
    // one transaction (with its processed_events rows) for many events: far fewer than one each
    expect(new Set(rows.map((row) => row.transaction_id)).size).toBeLessThanOrEqual(events.length / 4);
  });
});

describe('whole runs (reactToRun)', () => {
  const topic = uniqueTopicName('reaction-whole-runs');
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime;
  const runs: string[][] = [];
  const handled: string[] = [];

  /** Takes a partition's run at once; a run holding a `broken` counter fails whole. */
  const batched: Reaction<CounterEvent> = {
    name: 'batched',
    topics: [topic],
    events: counterEvents,
    idempotency: 'check-then-record',
    fromBeginning: true,
    async react() {
      throw new Error('a whole-run reaction is not called event by event');
    },
    async reactToRun(events) {
      runs.push(events.map((event) => event.eventId));
      if (events.some((event) => event.type === 'CounterIncremented' && event.data.counterId.endsWith('/broken'))) throw new Error('the run was rejected');
      handled.push(...events.map((event) => event.eventId));
    },
  };

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('reaction_whole_runs'), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
    runtime = testRuntime(store.dataSource, { groupId: topic, topicDefaults: { partitions: 1 } });
    runtime.registerReaction(batched);
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await kafka?.close();
    await store?.close();
  });

  it('hands over the fresh events of a run at once in log order, each once; a failing event alone is dead-lettered', async () => {
    const before = Array.from({ length: 40 }, (_, i) => incremented(`w-${i % 5}`, `w-${i % 5}/counter`, 1));
    const broken = incremented('w-1', 'w-1/broken', 1);
    const after = Array.from({ length: 40 }, (_, i) => incremented(`w-${i % 5}`, `w-${i % 5}/counter`, 1));
    const good = [...before, ...after];
    // every event twice, the copies right behind: a run takes the first copy only
    await produceEvents(kafka.producer, topic, [...before, ...before, broken, ...after, ...after]);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.batched`, topic, 30_000);

    expect(handled).toEqual(good.map((event) => event.eventId));
    // runs of many events, not one by one (but for the replay around the broken one)
    expect(runs.filter((run) => run.length > 1).length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(good.length / 2);
    const processed: { count: string }[] = await store.dataSource.query(`SELECT count(*) AS count FROM processed_events WHERE consumer = 'batched'`);
    expect(Number(processed[0].count)).toBe(good.length);
    const dlt = await kafka.admin.fetchTopicOffsets(deadLetterTopic(topic));
    expect(dlt.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(1);
  });
});
