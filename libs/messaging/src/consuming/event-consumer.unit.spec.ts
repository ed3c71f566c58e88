// A consumer group member whose start fails while the broker settles (a restarted broker answers
// "not the leader" or "coordinator is loading" for a while) must be startable again: the runtime
// retries it. kafkajs only lets a consumer subscribe again once it is disconnected.
import type { Kafka } from 'kafkajs';
import type { EventProducer } from '../producing/event-producer';
import { defaultConsumerSettings } from './consumer-settings';
import { EventConsumer } from './event-consumer';

/** A kafkajs consumer that records its calls; subscribe fails the first `failures` times. */
function fakeKafka(failures: number) {
  const calls: string[] = [];
  let subscribed = false;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => undefined,
    connect: async () => void calls.push('connect'),
    subscribe: async () => {
      calls.push('subscribe');
      if (subscribed) throw new Error('Cannot subscribe to topic while consumer is running');
      if (failures-- > 0) throw new Error('This server is not the leader for that topic-partition');
      subscribed = true;
    },
    run: async () => void calls.push('run'),
    disconnect: async () => {
      calls.push('disconnect');
      subscribed = false;
    },
    commitOffsets: async () => undefined,
  };
  return { kafka: { consumer: () => consumer } as unknown as Kafka, calls };
}

function consumerOn(kafka: Kafka) {
  return new EventConsumer(
    {
      name: 'sample',
      groupId: 'billing.sample',
      topics: ['sample'],
      fromBeginning: true,
      selection: { events: { types: [], knows: () => true } } as never,
      target: {} as never,
      settings: { ...defaultConsumerSettings, commitIntervalMs: 60_000 },
    },
    { kafka, producer: {} as EventProducer, logger: { log: () => undefined, error: () => undefined, warn: () => undefined } },
  );
}

describe('EventConsumer start', () => {
  it('given a broker still electing leaders, when start fails, then it disconnects and a second start joins', async () => {
    const { kafka, calls } = fakeKafka(1);
    const consumer = consumerOn(kafka);
    await expect(consumer.start()).rejects.toThrow('not the leader');
    expect(calls).toEqual(['connect', 'subscribe', 'disconnect']);

    await consumer.start();
    expect(calls.slice(3)).toEqual(['connect', 'subscribe', 'run']);
    await consumer.stop();
    expect(calls.at(-1)).toBe('disconnect');
  });

  it('starts once: a second start of a running consumer does nothing', async () => {
    const { kafka, calls } = fakeKafka(0);
    const consumer = consumerOn(kafka);
    await consumer.start();
    await consumer.start();
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
    await consumer.stop();
  });
});
