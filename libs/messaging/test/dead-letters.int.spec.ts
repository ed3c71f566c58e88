// Poison does not stop a partition: malformed JSON, an unknown event type and a payload that
// fails its schema go to the dead-letter topic at once, a message whose handler keeps throwing
// goes there after its retries, each with its origin — and the messages after them are projected.
// A message whose event-type header names a type the handler does not act on is skipped unread.
// A handler that answers "later" (what the message acts on is settling elsewhere) is waited for
// beyond the attempts, for the policy's settling time, and only then dead-letters the message.
import { deadLetterHeaders, deadLetterTopic, eventHeaders } from '@billing/contracts';
import { testKafka, uniqueTopicName, waitForConsumerCatchUp, waitUntil } from '@billing/testing';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { eventMessage, headerText, readCheckpoints, type MessagingRuntime } from '../src';
import { incremented, produceMessages, unknownTypeEvent } from './fixtures/counter-events';
import { counterProjection, counterTotals, type CounterProjectionOptions } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, metricValue, testRuntime, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

/** What a counter projection on a topic of its own runs on, with every letter of its dead-letter topic. */
type Counting = { store: ReadStore; kafka: KafkaClients; runtime: MessagingRuntime; close: () => Promise<void> };

async function startCounting(
  topic: string,
  database: string,
  options: Omit<CounterProjectionOptions, 'topics'>,
  deadLetters: KafkaMessage[],
  registry = new Registry(),
): Promise<Counting> {
  const [store, kafka] = await Promise.all([createReadStore(database), kafkaClients(() => [topic, deadLetterTopic(topic)])]);
  const runtime = testRuntime(store.dataSource, {}, registry);
  runtime.registerProjection(counterProjection({ ...options, topics: [topic] }), { groupId: `${topic}.counter-totals` });
  await runtime.start();
  const dltReader: Consumer = testKafka('dlt-reader').consumer({ groupId: `${topic}.dlt-reader`, maxWaitTimeInMs: 100 });
  await dltReader.connect();
  await dltReader.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
  await dltReader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
  const close = async () => {
    await dltReader.disconnect();
    await runtime.stop();
    await kafka.close();
    await store.close();
  };
  return { store, kafka, runtime, close };
}

describe('dead letters', () => {
  const topic = uniqueTopicName('poison');
  const groupId = `${topic}.counter-totals`;
  const customer = 'customer-with-poison';
  let store: ReadStore;
  let kafka: KafkaClients;
  let runtime: MessagingRuntime;
  let close: (() => Promise<void>) | undefined;
  const registry = new Registry();
  const deadLetters: KafkaMessage[] = [];

  beforeAll(async () => {
    ({ store, kafka, runtime, close } = await startCounting(topic, 'dead_letters', { failingCounter: `${customer}/explode` }, deadLetters, registry));
  });

  afterAll(async () => {
    await close?.();
  });

  it('dead-letters each poison message with its origin and keeps the partition flowing', async () => {
    const good = [1, 2, 3, 4, 5, 6].map((by) => eventMessage(incremented(customer, `${customer}/counter`, by)));
    const schemaViolation = eventMessage({ ...incremented(customer, `${customer}/counter`, 1), data: { counterId: 'x', by: 'two' } });
    const poison = {
      'malformed-json': { key: customer, value: '{"eventId": "cut off', headers: { [eventHeaders.eventType]: 'CounterIncremented' } },
      'unknown-event-type': eventMessage(unknownTypeEvent(customer)),
      'schema-violation': schemaViolation,
      'handler-failed': eventMessage(incremented(customer, `${customer}/explode`, 1)),
    };
    // a type of the contract the projection does not handle, named by its header: passed by
    // unread, whatever its bytes (its own handler, elsewhere, would dead-letter them)
    const notOurs = { key: customer, value: 'not JSON at all', headers: { [eventHeaders.eventType]: 'CounterRenamed' } };
    // one send, so the poison sits inside batches between good messages of the same partition
    const messages = [good[0], poison['malformed-json'], good[1], poison['unknown-event-type'], good[2], notOurs, poison['schema-violation'], good[3], poison['handler-failed'], good[4], good[5]];
    const [sent] = await kafka.producer.send({ topic, acks: -1, messages });
    const firstOffset = BigInt(sent.baseOffset ?? -1);
    const offsetOf = (message: object) => String(firstOffset + BigInt(messages.indexOf(message as (typeof messages)[number])));

    await waitUntil(() => deadLetters.length >= 4, { timeoutMs: 30_000, description: 'four dead letters' });
    await waitForConsumerCatchUp(kafka.admin, groupId, topic);

    // every good message was projected, the poison ones were not
    expect(await counterTotals(store.dataSource.manager)).toEqual({ [`${customer}/counter`]: 1 + 2 + 3 + 4 + 5 + 6 });

    for (const [reason, original] of Object.entries(poison)) {
      const letter = deadLetters.find((candidate) => headerText(candidate.headers, deadLetterHeaders.originOffset) === offsetOf(original));
      if (!letter) throw new Error(`no dead letter for ${reason}`);
      expect(letter.key?.toString()).toBe(customer);
      expect(letter.value?.toString()).toBe(String(original.value));
      const header = (name: string) => headerText(letter.headers, name);
      expect(header(eventHeaders.eventType)).toBe(String((original.headers as Record<string, string>)[eventHeaders.eventType]));
      expect(header(deadLetterHeaders.originTopic)).toBe(topic);
      expect(header(deadLetterHeaders.originPartition)).toBe(String(sent.partition));
      expect(header(deadLetterHeaders.consumerGroup)).toBe(groupId);
      expect(new Date(header(deadLetterHeaders.failedAt) ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(header(deadLetterHeaders.error)).toContain(reason === 'handler-failed' ? `cannot count ${customer}/explode` : reason);
      // bytes cannot become valid on a retry; a handler failure is retried (3 attempts configured)
      expect(header(deadLetterHeaders.attempts)).toBe(reason === 'handler-failed' ? '3' : '1');
    }
    expect(deadLetters).toHaveLength(4);

    for (const reason of Object.keys(poison)) {
      expect(await metricValue(registry, 'messaging_dead_letters_total', { topic, reason })).toBe(1);
    }
    const [checkpoint] = (await readCheckpoints(store.dataSource.manager, 'counter-totals')).filter((c) => c.partition === sent.partition);
    expect(checkpoint.nextOffset).toBe(String(firstOffset + BigInt(messages.length)));
  });

  it('does not dead-letter again a message read a second time', async () => {
    // a group without committed offsets reads the partition from the start again: the stored
    // position says these messages, poison included, were passed already
    await runtime.stopConsuming();
    const rereading = `${groupId}.rereading`;
    const again = testRuntime(store.dataSource, {}, registry);
    again.registerProjection(counterProjection({ topics: [topic], failingCounter: `${customer}/explode` }), { groupId: rereading });
    await again.start();
    try {
      await produceMessages(kafka.producer, topic, [eventMessage(incremented(customer, `${customer}/counter`, 100))]);
      await waitUntil(async () => (await counterTotals(store.dataSource.manager))[`${customer}/counter`] === 121, {
        description: 'the new increment',
      });
      await waitForConsumerCatchUp(kafka.admin, rereading, topic);
      expect(deadLetters).toHaveLength(4);
    } finally {
      await again.stop();
    }
  });
});

describe('a handler that asks to be retried later', () => {
  const topic = uniqueTopicName('settling');
  const groupId = `${topic}.counter-totals`;
  const customer = 'customer-settling';
  let store: ReadStore;
  let kafka: KafkaClients;
  let close: (() => Promise<void>) | undefined;
  const deadLetters: KafkaMessage[] = [];

  beforeAll(async () => {
    // the test policy: 3 attempts, 20–100 ms apart, 2 s for what settles
    const settlingCounters = { [`${customer}/settles`]: 1_000, [`${customer}/never`]: Number.POSITIVE_INFINITY };
    ({ store, kafka, close } = await startCounting(topic, 'settling_retries', { settlingCounters }, deadLetters));
  });

  afterAll(async () => {
    await close?.();
  });

  it('applies a message once what it waits for has settled, past its attempts; dead-letters one that never settles after the settling time', async () => {
    const counter = `${customer}/counter`;
    const messages = [
      eventMessage(incremented(customer, counter, 1)),
      eventMessage(incremented(customer, `${customer}/settles`, 10)),
      eventMessage(incremented(customer, counter, 2)),
      eventMessage(incremented(customer, `${customer}/never`, 100)),
      eventMessage(incremented(customer, counter, 3)),
    ];
    const startedAt = Date.now();
    await kafka.producer.send({ topic, acks: -1, messages });

    await waitUntil(() => deadLetters.length >= 1, { timeoutMs: 30_000, description: 'the dead letter of what never settles' });
    await waitForConsumerCatchUp(kafka.admin, groupId, topic);
    expect(await counterTotals(store.dataSource.manager)).toEqual({ [counter]: 6, [`${customer}/settles`]: 10 });

    const [letter] = deadLetters;
    expect(headerText(letter.headers, deadLetterHeaders.error)).toContain(`${customer}/never is settling`);
    // tried for the 2 s of settling (at most 100 ms apart), not for the 3 attempts of a failure
    expect(Number(headerText(letter.headers, deadLetterHeaders.attempts))).toBeGreaterThan(10);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3_000);
    expect(deadLetters).toHaveLength(1);
  });
});
