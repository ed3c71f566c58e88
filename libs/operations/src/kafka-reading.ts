// Reads stretches of a topic's partitions without touching any service's consumer group: a
// throwaway group that commits nothing and is deleted afterwards.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders } from 'kafkajs';
import { OperationsError } from './operations-error';
import type { OperationsTarget } from './target';

export interface PartitionRange {
  readonly partition: number;
  /** first offset to read */
  readonly from: bigint;
  /** first offset not to read (the high watermark for "up to the end") */
  readonly to: bigint;
}

export interface TopicMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  /** header values as UTF-8 text */
  readonly headers: Record<string, string>;
  readonly timestamp: string;
}

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

export function operatorKafka(target: OperationsTarget): Kafka {
  return new Kafka({ clientId: 'billingctl', brokers: [...target.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

export async function connectedAdmin(kafka: Kafka, brokers: readonly string[]): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new OperationsError(`cannot reach the Kafka broker at ${brokers.join(',')} (${(error as Error).message}); set KAFKA_BROKERS`);
  }
  return admin;
}

export async function partitionOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((entry) => ({ partition: entry.partition, low: BigInt(entry.low), high: BigInt(entry.high) }))
    .sort((a, b) => a.partition - b.partition);
}

export function headerTexts(headers: IHeaders | undefined): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    texts[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return texts;
}

/** The messages of the given ranges, in partition and offset order. */
export async function readTopic(kafka: Kafka, topic: string, ranges: readonly PartitionRange[], timeoutMs = 30_000): Promise<TopicMessage[]> {
  const wanted = new Map(ranges.filter((range) => range.to > range.from).map((range) => [range.partition, range]));
  if (wanted.size === 0) return [];
  const groupId = `billingctl-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const messages: TopicMessage[] = [];
  const done = new Set<number>();
  let finished: () => void = () => undefined;
  const allRead = new Promise<void>((resolve) => (finished = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = wanted.get(batch.partition);
        if (!range || done.has(batch.partition)) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < range.from || offset >= range.to) continue;
          messages.push({
            topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value,
            headers: headerTexts(message.headers),
            timestamp: message.timestamp,
          });
        }
        if (BigInt(batch.lastOffset()) >= range.to - 1n) done.add(batch.partition);
        if (done.size === wanted.size) finished();
      },
    });
    for (const range of wanted.values()) consumer.seek({ topic, partition: range.partition, offset: range.from.toString() });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([allRead, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new OperationsError(`reading ${topic} did not finish within ${timeoutMs / 1000} s`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
  }
  return messages.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}
