// A projection fed every event twice — the relay publishing it again at a later offset — while
// a second member joins its group mid-stream and leaves again, ends with the rows of a single
// delivery: the read model and the position are written in one transaction.
import { uniqueTopicName, waitForConsumerCatchUp, waitUntil } from '@billing/testing';
import type { EventEnvelope } from '@billing/contracts';
import { Registry } from 'prom-client';
import { readCheckpoints, type MessagingRuntime } from '../src';
import { expectedTotals, incrementWorkload, produceEvents, renamed } from './fixtures/counter-events';
import { counterProjection, counterTotals } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, metricValue, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

describe('a projection under duplicates and a rebalance', () => {
  const topic = uniqueTopicName('counters');
  const groupId = `${topic}.counter-totals`;
  let store: ReadStore;
  let kafka: KafkaClients;
  const runtimes: MessagingRuntime[] = [];

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('exactly_once'), kafkaClients(() => [topic, `${topic}.dlt`])]);
  });

  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await kafka?.close();
    await store?.close();
  });

  /** Every event, and again 40 events later: a duplicate is never next to its original. */
  function withDuplicates(events: EventEnvelope[]): EventEnvelope[] {
    return events.flatMap((event, i) => (i >= 40 ? [event, events[i - 40]] : [event])).concat(events.slice(-40));
  }

  it('ends with exactly the single-delivery totals', async () => {
    const events = incrementWorkload(3_000, 40);
    const sent = withDuplicates(events);
    // a type the projection does not handle: skipped, not dead-lettered
    sent.splice(100, 0, renamed('c-1', 'c-1/counter', 'groceries'));
    const third = Math.floor(sent.length / 3);
    const handledBy = { first: 0, second: 0 };
    const registry = new Registry();

    const member = (name: keyof typeof handledBy) => {
      const runtime = testRuntime(
        store.dataSource,
        { topics: [{ topic, partitions: 6 }] },
        registry,
      );
      runtime.registerProjection(
        counterProjection({ topics: [topic], onCommitted: (committed) => (handledBy[name] += committed.length) }),
        { groupId },
      );
      runtimes.push(runtime);
      return runtime;
    };

    const first = member('first');
    await first.start();
    await produceEvents(kafka.producer, topic, sent.slice(0, third));
    await waitUntil(() => handledBy.first > 0, { description: 'the first member to project' });

    // a second member joins mid-stream: the partitions are split between the two
    const second = member('second');
    await second.start();
    await produceEvents(kafka.producer, topic, sent.slice(third, 2 * third));
    await waitUntil(() => handledBy.second > 0, { timeoutMs: 30_000, description: 'the second member to get partitions' });

    // and leaves: its partitions go back to the first member
    await second.stop();
    await produceEvents(kafka.producer, topic, sent.slice(2 * third));
    await waitForConsumerCatchUp(kafka.admin, groupId, topic, 45_000);

    expect(await counterTotals(store.dataSource.manager)).toEqual(expectedTotals(events));
    const increments: { sum: string }[] = await store.dataSource.query(`SELECT sum(increments) AS sum FROM counter_totals`);
    expect(Number(increments[0].sum)).toBe(events.length);
    expect(handledBy.first + handledBy.second).toBe(events.length);
    expect(await metricValue(registry, 'messaging_messages_total', { outcome: 'duplicate' })).toBeGreaterThanOrEqual(events.length);
    expect(await metricValue(registry, 'messaging_messages_total', { outcome: 'skipped' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(registry, 'messaging_dead_letters_total')).toBe(0);

    const ends = await kafka.admin.fetchTopicOffsets(topic);
    const checkpoints = await readCheckpoints(store.dataSource.manager, 'counter-totals');
    expect(checkpoints.map((c) => [c.partition, c.nextOffset])).toEqual(
      ends.filter((end) => end.high !== '0').map((end) => [end.partition, end.high]).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(await metricValue(registry, 'messaging_consumer_lag', { group: groupId })).toBe(0);
  });
});
