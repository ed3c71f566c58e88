// Records everything a topic carries, from its beginning, to compare it with the event store.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@billing/contracts';
import { waitUntil } from '@billing/testing';
import type { Consumer, Kafka } from 'kafkajs';

export interface RecordedMessage {
  key: string;
  envelope: EventEnvelope;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];
  private readonly offsets = new Set<string>();
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  /** Subscribes from the beginning; retried, because a topic just created may not be known to the broker yet. */
  async start(): Promise<this> {
    await waitUntil(
      async () => {
        try {
          await this.subscribe();
          return true;
        } catch (error) {
          await this.consumer?.disconnect().catch(() => undefined);
          throw error;
        }
      },
      { timeoutMs: 15_000, intervalMs: 200, description: `a consumer of ${this.topic}` },
    );
    return this;
  }

  private async subscribe(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          // a rebalance can deliver a message again: the topic holds it once, so record it once
          const at = `${batch.partition}/${message.offset}`;
          if (this.offsets.has(at)) continue;
          this.offsets.add(at);
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
          this.messages.push({
            key: message.key?.toString() ?? '',
            envelope: JSON.parse(message.value?.toString() ?? 'null'),
            headers,
            partition: batch.partition,
            offset: message.offset,
          });
        }
      },
    });
  }

  eventIds(): string[] {
    return this.messages.map((message) => message.envelope.eventId);
  }

  async waitForEventIds(expected: Iterable<string>, timeoutMs = 30_000): Promise<void> {
    const wanted = new Set(expected);
    await waitUntil(() => [...wanted].every((id) => this.hasEventId(id)), {
      timeoutMs,
      description: `${wanted.size} events on ${this.topic} (have ${this.messages.length} messages)`,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private seen?: { count: number; ids: Set<string> };

  private hasEventId(id: string): boolean {
    if (!this.seen || this.seen.count !== this.messages.length) this.seen = { count: this.messages.length, ids: new Set(this.eventIds()) };
    return this.seen.ids.has(id);
  }
}
