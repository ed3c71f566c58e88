// What operators watch on a consumer: how far behind it is, what it dead-lettered, how long its
// batches take and how many messages it handled. Registered on the registry the caller owns.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type MessageOutcome = 'handled' | 'skipped' | 'duplicate' | 'dead-lettered';

function metric<M>(registry: Registry, name: string, create: () => M): M {
  // several runtimes (or test suites) may share one registry: reuse what is registered already
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export class MessagingMetrics {
  private readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  private readonly deadLetters: Counter<'group' | 'topic' | 'reason'>;
  private readonly batchDuration: Histogram<'group' | 'topic'>;
  private readonly messages: Counter<'group' | 'topic' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.lag = metric(registry, 'messaging_consumer_lag', () =>
      new Gauge({
        name: 'messaging_consumer_lag',
        help: 'Messages between the last handled offset and the partition high watermark',
        labelNames: ['group', 'topic', 'partition'],
        registers,
      }),
    );
    this.deadLetters = metric(registry, 'messaging_dead_letters_total', () =>
      new Counter({
        name: 'messaging_dead_letters_total',
        help: 'Messages sent to the dead-letter topic, by origin topic and reason',
        labelNames: ['group', 'topic', 'reason'],
        registers,
      }),
    );
    this.batchDuration = metric(registry, 'messaging_batch_duration_seconds', () =>
      new Histogram({
        name: 'messaging_batch_duration_seconds',
        help: 'Time to handle one fetched batch of one partition, commit included',
        labelNames: ['group', 'topic'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
    );
    this.messages = metric(registry, 'messaging_messages_total', () =>
      new Counter({
        name: 'messaging_messages_total',
        help: 'Messages consumed, by outcome (handled, skipped type, duplicate, dead-lettered)',
        labelNames: ['group', 'topic', 'outcome'],
        registers,
      }),
    );
  }

  recordLag(group: string, topic: string, partition: number, lag: number): void {
    this.lag.set({ group, topic, partition: String(partition) }, Math.max(0, lag));
  }

  /** A partition this member no longer owns: its new owner reports the lag now. */
  forgetLag(group: string, topic: string, partition: number): void {
    this.lag.remove({ group, topic, partition: String(partition) });
  }

  recordDeadLetter(group: string, topic: string, reason: string): void {
    this.deadLetters.inc({ group, topic, reason });
  }

  recordMessages(group: string, topic: string, outcome: MessageOutcome, count = 1): void {
    if (count > 0) this.messages.inc({ group, topic, outcome }, count);
  }

  startBatch(group: string, topic: string): () => void {
    const end = this.batchDuration.startTimer({ group, topic });
    return () => void end();
  }
}
