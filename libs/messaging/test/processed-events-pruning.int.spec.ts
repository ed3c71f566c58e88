// processed_events grows by one row per event and consumer. A projection also keeps its
// position, so its ids only need to outlive the relay's second copy of an event: the runtime
// deletes them past their retention, in bounded statements, and keeps the reactions' ids.
import { randomUUID } from 'node:crypto';
import { uniqueTopicName, waitUntil } from '@billing/testing';
import type { MessagingRuntime } from '../src';
import { pruneProcessedEvents } from '../src/reactions/processed-events';
import { counterProjection } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

describe('pruning processed event ids', () => {
  const topic = uniqueTopicName('pruning');
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime | undefined;

  beforeAll(async () => {
    [store, kafka] = await Promise.all([createReadStore('pruning'), kafkaClients(() => [topic, `${topic}.dlt`])]);
  });

  afterAll(async () => {
    await runtime?.stop();
    await kafka?.close();
    await store?.close();
  });

  /** Records `count` ids for `consumer`, stamped `daysAgo` days ago. */
  async function recorded(consumer: string, count: number, daysAgo: number): Promise<void> {
    await store.dataSource.query(
      `INSERT INTO processed_events (consumer, event_id, processed_at)
       SELECT $1, gen_random_uuid(), now() - make_interval(days => $3) FROM generate_series(1, $2)`,
      [consumer, count, daysAgo],
    );
  }

  const countOf = async (consumer: string, olderThanDays = 0): Promise<number> =>
    (
      await store.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer = $1 AND processed_at <= now() - make_interval(days => $2)`, [
        consumer,
        olderThanDays,
      ])
    )[0].n;

  it('finds the ids by age through a block-range index, which costs recording an id no index entry', async () => {
    const rows: { indexdef: string }[] = await store.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'processed_events' AND indexname = 'processed_events_processed_at'`,
    );
    expect(rows.map((row) => row.indexdef)).toEqual([expect.stringContaining('USING brin (processed_at)')]);
  });

  it('deletes only the given consumers’ ids past the retention, in statements of the batch size', async () => {
    const projection = `projection-${randomUUID().slice(0, 8)}`;
    const reaction = `reaction-${randomUUID().slice(0, 8)}`;
    await recorded(projection, 25, 40);
    await recorded(projection, 5, 1);
    await recorded(reaction, 7, 40);

    expect(await pruneProcessedEvents(store.dataSource, [projection], 30 * 86_400, 10)).toBe(25);
    expect(await countOf(projection)).toBe(5);
    expect(await countOf(reaction, 30)).toBe(7);
    expect(await pruneProcessedEvents(store.dataSource, [projection], 30 * 86_400, 10)).toBe(0);
  });

  it('given a running service, then its projections’ expired ids go on the interval and its reactions’ stay', async () => {
    const name = `counter-${randomUUID().slice(0, 8)}`;
    await recorded(name, 12, 40);
    await recorded(name, 3, 1);
    await recorded('some-reaction', 4, 40);
    runtime = testRuntime(store.dataSource, { processedEventsRetentionMs: 30 * 86_400_000, processedEventsPruneIntervalMs: 200 });
    runtime.registerProjection(counterProjection({ name, topics: [topic] }));
    await runtime.start();

    await waitUntil(async () => (await countOf(name)) === 3, { timeoutMs: 10_000, description: 'the expired ids pruned' });
    expect(await countOf('some-reaction', 30)).toBe(4);
  });
});
