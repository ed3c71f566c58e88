// Publishing straight to Kafka, for the dead-letter path, tests and tools. Services publish their
// own events through the outbox relay instead (never append and produce in one request).
import type { EventEnvelope } from '@billing/contracts';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { eventMessage } from '../events/event-message';

export interface EventProducerOptions {
  compression?: CompressionTypes;
}

export class EventProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  /** the last send: sends go one after the other (see send) */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka, private readonly options: EventProducerOptions = {}) {
    // idempotent: a retried send after a lost ack is written once; kafkajs keeps ordering per
    // partition only with one request in flight
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 of the key, as the Java clients: a customer lands on the same partition
      // whichever producer publishes (this one, the outbox relay, a tool)
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = undefined;
    await this.producer.disconnect();
  }

  /** Events keyed by their partition key (the customer id), with the contract's headers. */
  publish(topic: string, events: readonly EventEnvelope[]): Promise<RecordMetadata[]> {
    return this.send(topic, events.map(eventMessage));
  }

  /**
   * Raw messages, acknowledged by every in-sync replica. Concurrent calls are sent one after the
   * other: kafkajs' idempotent producer numbers the batches of concurrent sends in one order and may
   * send them in another, which the broker refuses (OUT_OF_ORDER_SEQUENCE_NUMBER).
   */
  send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    const sent = this.tail.then(async () => {
      await this.connect();
      return this.producer.send({ topic, messages, acks: -1, compression: this.options.compression ?? CompressionTypes.None });
    });
    this.tail = sent.catch(() => undefined);
    return sent;
  }
}
