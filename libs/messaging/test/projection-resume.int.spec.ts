// The stored position, not the consumer group, says where a projection resumes: a projection
// started in a brand-new group after a stop picks up at its checkpoint, not at the beginning.
import { uniqueTopicName, waitForConsumerCatchUp } from '@billing/testing';
import { Registry } from 'prom-client';
import { readCheckpoints, type ConsumedEvent, type MessagingRuntime } from '../src';
import { expectedTotals, incrementWorkload, produceEvents, type CounterEvent } from './fixtures/counter-events';
import { counterProjection, counterTotals } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, metricValue, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

describe('resuming a projection', () => {
  const topic = uniqueTopicName('resume');
  let store: ReadStore;
  let kafka: KafkaClients;
  const runtimes: MessagingRuntime[] = [];

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('resume'), kafkaClients(() => [topic, `${topic}.dlt`])]);
  });

  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await kafka?.close();
    await store?.close();
  });

  function start(groupId: string, seen: ConsumedEvent<CounterEvent>[], registry = new Registry()) {
    const runtime = testRuntime(store.dataSource, {}, registry);
    runtime.registerProjection(counterProjection({ topics: [topic], onCommitted: (events) => seen.push(...events) }), { groupId });
    runtimes.push(runtime);
    return runtime.start().then(() => runtime);
  }

  it('continues from the stored checkpoint in a new consumer group', async () => {
    const before = incrementWorkload(600, 12, 'before');
    const after = incrementWorkload(300, 12, 'after');

    const firstSeen: ConsumedEvent<CounterEvent>[] = [];
    const first = await start(`${topic}.first-group`, firstSeen);
    await produceEvents(kafka.producer, topic, before);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.first-group`, topic);
    await first.stop();
    const stopped = await readCheckpoints(store.dataSource.manager, 'counter-totals');
    expect(firstSeen).toHaveLength(before.length);

    await produceEvents(kafka.producer, topic, after);
    const secondSeen: ConsumedEvent<CounterEvent>[] = [];
    const registry = new Registry();
    await start(`${topic}.second-group`, secondSeen, registry);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.second-group`, topic);

    // the new group (no committed offsets, reading from the beginning) projected only the rest
    expect(secondSeen.map((event) => event.eventId).sort()).toEqual(after.map((event) => event.eventId).sort());
    for (const checkpoint of stopped) {
      const offsets = secondSeen.filter((event) => event.position.partition === checkpoint.partition).map((event) => BigInt(event.position.offset));
      expect(offsets.reduce((min, offset) => (offset < min ? offset : min))).toBe(BigInt(checkpoint.nextOffset));
    }
    // by seeking to the checkpoint, not by reading the old messages and dropping them
    expect(await metricValue(registry, 'messaging_messages_total', { outcome: 'duplicate' })).toBe(0);
    expect(await counterTotals(store.dataSource.manager)).toEqual(expectedTotals([...before, ...after]));
  });

  it('given a checkpoint at the end of the log, when a group that committed less starts, then its lag still reaches zero', async () => {
    // what a crash between the checkpoint and the commit to Kafka leaves: nothing left to
    // apply, and nothing new coming that would move the group's offsets
    const everything = incrementWorkload(120, 12, 'all');
    const applied: ConsumedEvent<CounterEvent>[] = [];
    const first = await start(`${topic}.applied-group`, applied);
    await produceEvents(kafka.producer, topic, everything);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.applied-group`, topic);
    await first.stop();

    const replayed: ConsumedEvent<CounterEvent>[] = [];
    await start(`${topic}.lagging-group`, replayed);
    await waitForConsumerCatchUp(kafka.admin, `${topic}.lagging-group`, topic);

    expect(replayed).toHaveLength(0);
  });
});
