// A projection chooses which events it deduplicates by id: the relay may publish an event twice,
// and an event whose second copy changes nothing needs no processed_events row. Here the counter
// projection adds up every increment it is given, so a copy that is let through shows in the
// totals, and one that is looked up does not.
import type { EventEnvelope } from '@billing/contracts';
import type { DeliverableMessage } from '../src/consuming/delivery-target';
import { ProjectionDelivery } from '../src/projections/projection-delivery';
import { incremented, type CounterEvent } from './fixtures/counter-events';
import { counterProjection, counterTotals } from './fixtures/counter-projection';
import { createReadStore, type ReadStore } from './fixtures/test-infrastructure';

const topic = 'counters.dedup';

/** The envelopes at consecutive offsets of partition 0, from `first`. */
function messagesAt(first: number, events: readonly EventEnvelope[]): DeliverableMessage<CounterEvent>[] {
  return events.map((event, index) => {
    const position = { topic, partition: 0, offset: String(first + index) };
    return { kind: 'event', position, event: { ...(event as CounterEvent), position } };
  });
}

describe('a projection deduplicating some events by id', () => {
  let store: ReadStore;

  beforeAll(async () => {
    store = await createReadStore('projection_dedup');
  });
  afterAll(() => store?.close());

  const recordedIds = async (projection: string) =>
    ((await store.dataSource.query(`SELECT event_id FROM processed_events WHERE consumer = $1 ORDER BY event_id`, [projection])) as { event_id: string }[]).map(
      (row) => row.event_id,
    );

  it('looks up only the events it picks, and records only those', async () => {
    const name = 'counter-totals-picked';
    // counters of "free-" need no look-up (in a real projection: an effect a copy cannot change)
    const delivery = new ProjectionDelivery(
      counterProjection({ name, topics: [topic], deduplicateByEventId: (event) => event.type !== 'CounterIncremented' || !event.data.counterId.startsWith('free-') }),
      store.dataSource,
    );
    const looked = incremented('c-1', 'looked-1', 5);
    const free = incremented('c-1', 'free-1', 7);

    const first = await delivery.apply(messagesAt(0, [looked, free]), {});
    // the relay publishes both again, later in the partition
    const again = await delivery.apply(messagesAt(2, [looked, free]), {});

    expect(first).toEqual({ kind: 'applied', handled: 2, skipped: 0, duplicates: 0 });
    expect(again).toEqual({ kind: 'applied', handled: 1, skipped: 0, duplicates: 1 });
    expect(await counterTotals(store.dataSource.manager)).toMatchObject({ 'looked-1': 5, 'free-1': 14 });
    expect(await recordedIds(name)).toEqual([looked.eventId.toLowerCase()]);
  });

  it('takes no look-up at all for a run it deduplicates none of, and still moves its position', async () => {
    const name = 'counter-totals-none';
    const delivery = new ProjectionDelivery(counterProjection({ name, topics: [topic], deduplicateByEventId: () => false }), store.dataSource);

    expect(await delivery.apply(messagesAt(0, [incremented('c-2', 'free-2', 1), incremented('c-2', 'free-2', 2)]), {})).toEqual({
      kind: 'applied',
      handled: 2,
      skipped: 0,
      duplicates: 0,
    });
    expect(await recordedIds(name)).toEqual([]);
    const [checkpoint] = (await store.dataSource.query(`SELECT next_offset FROM projection_checkpoints WHERE projection = $1`, [name])) as { next_offset: string }[];
    expect(String(checkpoint.next_offset)).toBe('2');
  });

  it('deduplicates every event by default', async () => {
    const name = 'counter-totals-default';
    const delivery = new ProjectionDelivery(counterProjection({ name, topics: [topic] }), store.dataSource);
    const event = incremented('c-3', 'default-3', 4);

    await delivery.apply(messagesAt(0, [event]), {});
    expect(await delivery.apply(messagesAt(1, [event]), {})).toEqual({ kind: 'applied', handled: 0, skipped: 0, duplicates: 1 });
    expect(await counterTotals(store.dataSource.manager)).toMatchObject({ 'default-3': 4 });
    expect(await recordedIds(name)).toEqual([event.eventId.toLowerCase()]);
  });
});
