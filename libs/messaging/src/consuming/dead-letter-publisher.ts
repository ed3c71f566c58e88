// A message that cannot be handled goes to `<topic>.dlt` exactly as it came (key, value, headers)
// plus where it came from and why, so it can be inspected and replayed after a fix.
import { deadLetterHeaders, deadLetterTopic } from '@billing/contracts';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { EventProducer } from '../producing/event-producer';

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly error: string;
  readonly attempts: number;
}

// a header stays readable in tools and well under the broker's message size limit
const MAX_ERROR_LENGTH = 2_000;

export class DeadLetterPublisher {
  constructor(
    private readonly producer: EventProducer,
    private readonly consumerGroup: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async publish(deadLetter: DeadLetter): Promise<void> {
    const { topic, partition, message } = deadLetter;
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [deadLetterHeaders.originTopic]: topic,
      [deadLetterHeaders.originPartition]: String(partition),
      [deadLetterHeaders.originOffset]: message.offset,
      [deadLetterHeaders.error]: deadLetter.error.slice(0, MAX_ERROR_LENGTH),
      [deadLetterHeaders.attempts]: String(deadLetter.attempts),
      [deadLetterHeaders.consumerGroup]: this.consumerGroup,
      [deadLetterHeaders.failedAt]: this.now().toISOString(),
    };
    await this.producer.send(deadLetterTopic(topic), [{ key: message.key, value: message.value, headers }]);
  }
}
