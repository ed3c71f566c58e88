// A consumer group member whose start fails while the broker settles (a restarted broker answers
// "not the leader" or "coordinator is loading" for a while) must be startable again: the runtime
// retries it. kafkajs only lets a consumer subscribe again once it is disconnected. And the runs a
// fetched batch is cut into: the target's limit counts its events, not the messages skipped by type.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { defineEvent, EventRegistry } from '../events/event-registry';
import type { EventProducer } from '../producing/event-producer';
import { defaultConsumerSettings } from './consumer-settings';
import type { DeliverableMessage } from './delivery-target';
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

describe('EventConsumer runs', () => {
  const events = EventRegistry.of(defineEvent('InvoicePaid', 1, z.object({ invoiceId: z.string() })), defineEvent('InvoiceIssued', 1, z.object({ invoiceId: z.string() })));

  const messageOf = (offset: number, type: string) => ({
    offset: String(offset),
    headers: { 'event-type': type },
    value: Buffer.from(
      JSON.stringify({
        eventId: randomUUID(),
        type,
        schemaVersion: 1,
        data: { invoiceId: `inv-${offset}` },
        metadata: { correlationId: 'c-1', occurredAt: '2027-01-01T00:00:00Z', partitionKey: 'customer-1' },
      }),
    ),
  });

  /** Feeds one fetched batch to a consumer whose target takes `limit` messages a run; returns each run's offsets. */
  async function runsOf(messages: ReturnType<typeof messageOf>[], limit: number): Promise<string[][]> {
    let eachBatch: ((payload: unknown) => Promise<void>) | undefined;
    const kafka = {
      consumer: () => ({
        events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
        on: () => undefined,
        connect: async () => undefined,
        subscribe: async () => undefined,
        run: async (config: { eachBatch: typeof eachBatch }) => void (eachBatch = config.eachBatch),
        disconnect: async () => undefined,
        commitOffsets: async () => undefined,
      }),
    } as unknown as Kafka;
    const runs: string[][] = [];
    const consumer = new EventConsumer(
      {
        name: 'sample',
        groupId: 'billing.sample',
        topics: ['sample'],
        fromBeginning: true,
        selection: { events, handles: ['InvoicePaid'] },
        target: {
          maxMessagesPerApply: limit,
          apply: async (run: readonly DeliverableMessage[]) => {
            runs.push(run.map(({ position }) => position.offset));
            return { kind: 'applied', handled: run.length, skipped: 0, duplicates: 0 };
          },
          deadLetter: async () => ({ kind: 'applied', handled: 0, skipped: 0, duplicates: 0 }),
        },
        settings: { ...defaultConsumerSettings, commitIntervalMs: 60_000 },
      },
      { kafka, producer: {} as EventProducer, logger: { log: () => undefined, error: () => undefined, warn: () => undefined } },
    );
    await consumer.start();
    await eachBatch?.({
      batch: { topic: 'sample', partition: 0, messages, highWatermark: String(messages.length), isEmpty: () => false, firstOffset: () => '0' },
      isStale: () => false,
      isRunning: () => true,
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
    });
    await consumer.stop();
    return runs;
  }

  it('given messages of types the target does not handle between its events, when a batch is consumed, then only its events count towards a run', async () => {
    const types = ['InvoicePaid', 'InvoiceIssued', 'InvoiceIssued', 'InvoicePaid', 'InvoiceIssued', 'InvoicePaid', 'InvoicePaid'];
    const runs = await runsOf(types.map((type, offset) => messageOf(offset, type)), 2);
    // two events a run, the skipped messages riding along in their place
    expect(runs).toEqual([['0', '1', '2', '3'], ['4', '5', '6']]);
  });
});
