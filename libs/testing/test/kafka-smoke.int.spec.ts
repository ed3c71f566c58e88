// The broker the project starts carries real traffic: 10,000 keyed messages produced with
// kafkajs come back complete and in order for each key.
import type { Admin, Consumer, Producer } from 'kafkajs';
import { createTopics, testKafka, uniqueTopicName, waitUntil } from '../src';

describe('Kafka broker smoke test', () => {
  const kafka = testKafka('smoke');
  const topic = uniqueTopicName('smoke');
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [topic], 6);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${topic}.reader` });
    await consumer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('reads back every one of 10,000 keyed messages, in order per key', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `customer-${i}`);
    const total = 10_000;
    const sent = Array.from({ length: total }, (_, i) => ({ key: keys[i % keys.length], value: String(i) }));
    for (let i = 0; i < total; i += 1_000) {
      await producer.send({ topic, acks: -1, messages: sent.slice(i, i + 1_000) });
    }

    const received = new Map<string, number[]>();
    let count = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = String(message.key);
          received.set(key, [...(received.get(key) ?? []), Number(String(message.value))]);
          count++;
        }
      },
    });
    await waitUntil(() => count >= total, { timeoutMs: 60_000, description: `${total} messages` });

    expect(count).toBe(total);
    for (const key of keys) {
      const expected = sent.filter((m) => m.key === key).map((m) => Number(m.value));
      expect(received.get(key)).toEqual(expected);
    }
  });
});
