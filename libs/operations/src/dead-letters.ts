// The dead-letter topics (`<topic>.dlt`): what is in them, one dead letter in full, and the replay
// of dead letters to the topic they came from, with their key and original headers. A replay is
// safe: every consumer recognises an event it has handled already by its id.
import { deadLetterHeaders, deadLetterTopic, eventHeaders } from '@billing/contracts';
import type { Kafka } from 'kafkajs';
import { connectedAdmin, operatorKafka, partitionOffsets, readTopic, type PartitionOffsets, type TopicMessage } from './kafka-reading';
import { OperationsError, UsageError } from './operations-error';
import { prefixed, type OperationsTarget } from './target';

export interface DeadLetterTopicSummary {
  readonly topic: string;
  readonly originTopic: string;
  readonly messages: number;
  readonly partitions: readonly { partition: number; low: string; high: string }[];
}

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly origin: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly error: string;
  readonly attempts: number;
  readonly consumerGroup: string;
  readonly failedAt: string;
  readonly eventType?: string;
  readonly eventId?: string;
  /** the original headers, without the dead-letter ones */
  readonly headers: Record<string, string>;
  /** the original value as UTF-8 text (null: a tombstone) */
  readonly value: string | null;
}

export interface DeadLetterPosition {
  readonly partition: number;
  readonly offset: string;
}

export interface ReplayOptions {
  /** Only these dead letters; absent with `all`: every one in the topic. */
  readonly positions?: readonly DeadLetterPosition[];
  readonly all?: boolean;
  readonly dryRun?: boolean;
}

export interface ReplayReport {
  readonly topic: string;
  readonly dryRun: boolean;
  readonly replayed: readonly {
    from: DeadLetterPosition;
    to: { topic: string; partition: number; offset?: string };
    key: string | null;
    eventType?: string;
    eventId?: string;
  }[];
}

const DLT_SUFFIX = '.dlt';
const deadLetterHeaderNames = new Set<string>(Object.values(deadLetterHeaders));

/** `billing.orders.v1`, `billing.orders.v1.dlt`, or either under the target's prefix → the dead-letter topic. */
export function deadLetterTopicName(target: OperationsTarget, topic: string): string {
  const named = topic.endsWith(DLT_SUFFIX) ? topic : deadLetterTopic(topic);
  return target.topicPrefix && !named.startsWith(`${target.topicPrefix}.`) ? prefixed(target, named) : named;
}

/** `<partition>:<offset>` */
export function parsePosition(text: string): DeadLetterPosition {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`expected <partition>:<offset>, e.g. 0:42 (got "${text}")`);
  return { partition: Number(match[1]), offset: match[2] };
}

export async function listDeadLetterTopics(target: OperationsTarget): Promise<DeadLetterTopicSummary[]> {
  const kafka = operatorKafka(target);
  const admin = await connectedAdmin(kafka, target.brokers);
  try {
    const scope = target.topicPrefix ? `${target.topicPrefix}.` : 'billing.';
    const topics = (await admin.listTopics()).filter((topic) => topic.endsWith(DLT_SUFFIX) && topic.startsWith(scope)).sort();
    return await Promise.all(
      topics.map(async (topic) => {
        const partitions = await partitionOffsets(admin, topic);
        return {
          topic,
          originTopic: topic.slice(0, -DLT_SUFFIX.length),
          messages: partitions.reduce((sum, { low, high }) => sum + Number(high - low), 0),
          partitions: partitions.map(({ partition, low, high }) => ({ partition, low: low.toString(), high: high.toString() })),
        };
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Every dead letter of the topic (or of one partition), oldest first. */
export async function readDeadLetters(target: OperationsTarget, topic: string, options: { partition?: number } = {}): Promise<DeadLetter[]> {
  return (await deadLetterMessages(target, deadLetterTopicName(target, topic), options)).map(deadLetterOf);
}

export async function inspectDeadLetter(target: OperationsTarget, topic: string, position: DeadLetterPosition): Promise<DeadLetter> {
  return deadLetterOf(await deadLetterMessage(target, deadLetterTopicName(target, topic), position));
}

async function deadLetterMessages(target: OperationsTarget, name: string, options: { partition?: number }): Promise<TopicMessage[]> {
  const kafka = operatorKafka(target);
  const partitions = await offsetsOf(kafka, target, name);
  const ranges = partitions
    .filter((entry) => options.partition === undefined || entry.partition === options.partition)
    .map(({ partition, low, high }) => ({ partition, from: low, to: high }));
  return readTopic(kafka, name, ranges);
}

async function deadLetterMessage(target: OperationsTarget, name: string, position: DeadLetterPosition): Promise<TopicMessage> {
  const kafka = operatorKafka(target);
  const partition = (await offsetsOf(kafka, target, name)).find((entry) => entry.partition === position.partition);
  const offset = BigInt(position.offset);
  if (!partition) throw new OperationsError(`${name} has no partition ${position.partition}`);
  if (offset < partition.low || offset >= partition.high) {
    const held = partition.high > partition.low ? `offsets ${partition.low} to ${partition.high - 1n}` : 'no messages';
    throw new OperationsError(`${name} partition ${position.partition} holds ${held}; there is no offset ${offset}`);
  }
  const [message] = await readTopic(kafka, name, [{ partition: position.partition, from: offset, to: offset + 1n }]);
  if (!message) throw new OperationsError(`${name} ${position.partition}:${position.offset} could not be read (deleted by retention?)`);
  return message;
}

/** Republishes dead letters to their origin topic and partition, with their key and original headers. */
export async function replayDeadLetters(target: OperationsTarget, topic: string, options: ReplayOptions): Promise<ReplayReport> {
  if (!options.all && !options.positions?.length) throw new UsageError('name the dead letters to replay (--offset <partition>:<offset>, repeatable) or --all');
  const name = deadLetterTopicName(target, topic);
  // the raw messages: a value that is not text goes back byte for byte
  const chosen = options.all
    ? await deadLetterMessages(target, name, {})
    : await Promise.all((options.positions ?? []).map((position) => deadLetterMessage(target, name, position)));
  const dryRun = options.dryRun ?? false;
  const replayed: ReplayReport['replayed'][number][] = [];
  // idempotent, one request in flight: the replayed messages land once each, in the order read
  const producer = dryRun ? undefined : operatorKafka(target).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  try {
    await producer?.connect();
    for (const message of chosen) {
      const letter = deadLetterOf(message);
      const to = { topic: letter.origin.topic, partition: letter.origin.partition };
      let offset: string | undefined;
      if (producer) {
        const [metadata] = await producer.send({
          topic: to.topic,
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers: letter.headers, partition: letter.origin.partition }],
        });
        offset = metadata?.baseOffset;
      }
      replayed.push({
        from: { partition: letter.partition, offset: letter.offset },
        to: { ...to, ...(offset !== undefined ? { offset } : {}) },
        key: letter.key,
        eventType: letter.eventType,
        eventId: letter.eventId,
      });
    }
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
  return { topic: name, dryRun, replayed };
}

async function offsetsOf(kafka: Kafka, target: OperationsTarget, topic: string): Promise<PartitionOffsets[]> {
  const admin = await connectedAdmin(kafka, target.brokers);
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new OperationsError(`there is no topic ${topic} (billingctl dlt list shows the dead-letter topics)`);
    return await partitionOffsets(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

function deadLetterOf(message: TopicMessage): DeadLetter {
  const { headers } = message;
  const original = Object.fromEntries(Object.entries(headers).filter(([name]) => !deadLetterHeaderNames.has(name)));
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    origin: {
      topic: headers[deadLetterHeaders.originTopic] ?? message.topic.slice(0, -DLT_SUFFIX.length),
      partition: Number(headers[deadLetterHeaders.originPartition] ?? message.partition),
      offset: headers[deadLetterHeaders.originOffset] ?? '?',
    },
    error: headers[deadLetterHeaders.error] ?? '',
    attempts: Number(headers[deadLetterHeaders.attempts] ?? 0),
    consumerGroup: headers[deadLetterHeaders.consumerGroup] ?? '',
    failedAt: headers[deadLetterHeaders.failedAt] ?? new Date(Number(message.timestamp)).toISOString(),
    eventType: headers[eventHeaders.eventType],
    eventId: headers[eventHeaders.eventId],
    headers: original,
    value: message.value?.toString('utf8') ?? null,
  };
}
