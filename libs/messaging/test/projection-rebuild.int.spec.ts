// A projection replayed from the beginning of its topic into fresh tables gives the rows of the
// live projection — duplicates, skipped types and poison included — and swaps in while the live
// projection keeps running.
import { deadLetterTopic } from '@billing/contracts';
import { testKafka, uniqueTopicName, waitForConsumerCatchUp, waitUntil } from '@billing/testing';
import { Registry } from 'prom-client';
import { ProjectionRebuild, readCheckpoints, type MessagingRuntime } from '../src';
import { expectedTotals, incrementWorkload, produceEvents, produceMessages, renamed } from './fixtures/counter-events';
import { counterProjection, counterTotals } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, metricValue, quietLogger, testConsumerSettings, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

describe('rebuilding a projection', () => {
  const topic = uniqueTopicName('rebuild');
  const groupId = `${topic}.counter-totals`;
  let store: ReadStore;
  let kafka: KafkaClients;
  let live: MessagingRuntime;
  const registry = new Registry();

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('rebuild'), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
    live = testRuntime(store.dataSource, {}, registry);
    live.registerProjection(counterProjection({ topics: [topic] }), { groupId });
    await live.start();
  });

  afterAll(async () => {
    await live?.stop();
    await kafka?.close();
    await store?.close();
  });

  const rows = (schema = 'public') =>
    store.dataSource.query(`SELECT counter_id, customer_id, total, increments FROM "${schema}".counter_totals ORDER BY counter_id`);

  it('replays into a shadow schema with the live rows, then swaps them in', async () => {
    const firstWave = incrementWorkload(2_000, 25, 'first');
    await produceEvents(kafka.producer, topic, [...firstWave, ...firstWave.slice(0, 300), renamed('first-1', 'first-1/counter', 'n')]);
    await produceMessages(kafka.producer, topic, [{ key: 'first-3', value: 'not json' }]);
    await waitForConsumerCatchUp(kafka.admin, groupId, topic);
    expect(await counterTotals(store.dataSource.manager)).toEqual(expectedTotals(firstWave));
    const liveRows = await rows();

    const rebuild = new ProjectionRebuild({
      projection: counterProjection({ topics: [topic] }),
      kafka: testKafka('rebuild'),
      dataSource: store.dataSource,
      groupId,
      settings: testConsumerSettings,
      logger: quietLogger,
    });
    const replay = await rebuild.replay();
    expect(await rows(replay.shadowSchema)).toEqual(liveRows);

    // the live projection moves on while the rebuild waits to be swapped in
    const secondWave = incrementWorkload(500, 25, 'second');
    await produceEvents(kafka.producer, topic, secondWave);
    await waitUntil(async () => (await metricValue(registry, 'messaging_messages_total', { outcome: 'handled' })) > firstWave.length, {
      description: 'the live projection to take the second wave',
    });
    await rebuild.swap();
    await waitForConsumerCatchUp(kafka.admin, groupId, topic);

    expect(await counterTotals(store.dataSource.manager)).toEqual(expectedTotals([...firstWave, ...secondWave]));
    const ends = await kafka.admin.fetchTopicOffsets(topic);
    for (const checkpoint of await readCheckpoints(store.dataSource.manager, 'counter-totals')) {
      expect(checkpoint.nextOffset).toBe(ends.find((end) => end.partition === checkpoint.partition)?.high);
    }
    const schemas: unknown[] = await store.dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [replay.shadowSchema]);
    expect(schemas).toHaveLength(0);
    // the poison message was dead-lettered once, by the live projection
    expect(await metricValue(registry, 'messaging_dead_letters_total', { topic })).toBe(1);
    const dlt = await kafka.admin.fetchTopicOffsets(deadLetterTopic(topic));
    expect(dlt.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(1);
  });

  it('gives the same rows again when replayed after the swap', async () => {
    const before = await rows();
    const rebuild = new ProjectionRebuild({
      projection: counterProjection({ topics: [topic] }),
      kafka: testKafka('rebuild'),
      dataSource: store.dataSource,
      groupId,
      settings: testConsumerSettings,
      logger: quietLogger,
    });
    const replay = await rebuild.replay();
    try {
      expect(await rows(replay.shadowSchema)).toEqual(before);
    } finally {
      await rebuild.discard();
    }
    expect(await rows()).toEqual(before);
  });
});
