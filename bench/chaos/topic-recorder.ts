// Everything on the platform's topics and their dead-letter topics, as an outside consumer reads
// it: the events the invariants are checked on, real messages to re-produce as duplicates, and the
// dead letters that must account for every malformed message.
import { randomUUID } from 'node:crypto';
import { deadLetterHeaders, deadLetterTopic, publicTopics } from '@billing/contracts';
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { POISON_HEADER } from './faults';

export interface RecordedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
}

export interface DeadLetter {
  originTopic: string;
  originPartition: number;
  originOffset: string;
  consumerGroup: string;
  error: string;
}

export interface RawMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** Fields an invariant reads; the rest of an invoice (lines, addresses) would only weigh. */
const heavyFields = ['lines', 'billedTo', 'taxes', 'items'];
const SAMPLES_PER_TOPIC = 500;

export class TopicRecorder {
  readonly events: RecordedEvent[] = [];
  readonly deadLetters: DeadLetter[] = [];
  /** Messages that are not our envelopes (injected garbage), by public topic. */
  readonly undecodable = new Map<string, number>();
  /** Messages the run injected as poison (marked with a header), read back. */
  poisonSeen = 0;
  private readonly samples = new Map<string, RawMessage[]>();
  private readonly nextOffset = new Map<string, bigint>();
  private readonly seenEventIds = new Set<string>();
  private readonly distinctByType = new Map<string, number>();
  private consumer?: Consumer;

  constructor(
    private readonly brokers: string[],
    /** `<prefix>.billing.orders.v1` for each public topic. */
    private readonly topicOf: (topic: string) => string,
  ) {}

  /**
   * Distinct events of a type read so far (a copy published twice counts once), kept as messages
   * arrive: a harness polling it every 100 ms costs nothing, where counting over `events` costs a
   * pass over the whole history each time, CPU taken from the platform it measures.
   */
  countOf(type: string): number {
    return this.distinctByType.get(type) ?? 0;
  }

  get topics(): string[] {
    return publicTopics.map((topic) => this.topicOf(topic));
  }

  get deadLetterTopics(): string[] {
    return this.topics.map((topic) => deadLetterTopic(topic));
  }

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'chaos-recorder', brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 30, maxRetryTime: 5_000 } });
    this.consumer = kafka.consumer({ groupId: `chaos-recorder-${randomUUID()}`, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics, ...this.deadLetterTopics], fromBeginning: true });
    const deadLetterTopics = new Set(this.deadLetterTopics);
    await this.consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          if (deadLetterTopics.has(batch.topic)) this.recordDeadLetter(message.headers ?? {});
          else this.recordEvent(batch.topic, batch.partition, message.offset, message.key, message.value, message.headers);
          this.nextOffset.set(`${batch.topic}:${batch.partition}`, BigInt(message.offset) + 1n);
          resolveOffset(message.offset);
        }
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** The next offset this recorder will read on a partition (0 when it has read nothing). */
  readUpTo(topic: string, partition: number): bigint {
    return this.nextOffset.get(`${topic}:${partition}`) ?? 0n;
  }

  /** Recent real messages of a public topic, as they were on the wire. */
  samplesOf(topic: string): readonly RawMessage[] {
    return this.samples.get(topic) ?? [];
  }

  private recordEvent(topic: string, partition: number, offset: string, key: Buffer | null, value: Buffer | null, headers?: IHeaders): void {
    // the run's own poison (a valid envelope of a known type among it) is no event of the platform
    if (headers?.[POISON_HEADER] !== undefined) {
      this.poisonSeen++;
      return;
    }
    let envelope: { eventId?: unknown; type?: unknown; data?: unknown } | undefined;
    try {
      envelope = JSON.parse(String(value)) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    if (!envelope || typeof envelope.eventId !== 'string' || typeof envelope.type !== 'string' || typeof envelope.data !== 'object' || !envelope.data) {
      this.undecodable.set(topic, (this.undecodable.get(topic) ?? 0) + 1);
      return;
    }
    const data = { ...(envelope.data as Record<string, unknown>) };
    if (Array.isArray(data.items)) data.itemIds = (data.items as { itemId: string }[]).map((item) => item.itemId);
    for (const field of heavyFields) delete data[field];
    this.events.push({ topic, partition, offset, key: String(key ?? ''), eventId: envelope.eventId, type: envelope.type, data });
    if (!this.seenEventIds.has(envelope.eventId)) {
      this.seenEventIds.add(envelope.eventId);
      this.distinctByType.set(envelope.type, (this.distinctByType.get(envelope.type) ?? 0) + 1);
    }
    const samples = this.samples.get(topic) ?? [];
    samples.push({ key, value, headers });
    if (samples.length > SAMPLES_PER_TOPIC) samples.splice(0, samples.length - SAMPLES_PER_TOPIC);
    this.samples.set(topic, samples);
  }

  private recordDeadLetter(headers: IHeaders): void {
    const header = (name: string) => String(headers[name] ?? '');
    this.deadLetters.push({
      originTopic: header(deadLetterHeaders.originTopic),
      originPartition: Number(header(deadLetterHeaders.originPartition)),
      originOffset: header(deadLetterHeaders.originOffset),
      consumerGroup: header(deadLetterHeaders.consumerGroup),
      error: header(deadLetterHeaders.error).slice(0, 200),
    });
  }
}
