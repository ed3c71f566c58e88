// One consumer group member running one projection or reaction over kafkajs `eachBatch`:
// decodes each batch, hands runs of good messages to the delivery target, retries failures
// with back-off, dead-letters what cannot be handled, and resolves offsets only behind what
// was applied, so a commit never gets ahead of the work.
import type { EventEnvelope } from '@billing/contracts';
import type { LoggerService } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, TopicPartitionOffset } from 'kafkajs';
import type { MessagePosition } from '../events/event-message';
import { MessageDecoder, type EventSelection } from '../events/message-decoding';
import type { MessagingMetrics } from '../metrics/messaging-metrics';
import type { EventProducer } from '../producing/event-producer';
import type { ConsumerSettings } from './consumer-settings';
import { DeadLetterPublisher } from './dead-letter-publisher';
import type { DeliverableMessage, DeliveryContext, DeliveryOutcome, DeliveryTarget } from './delivery-target';
import { asksToRetryLater, isStoreUnavailable, retryDelayMs } from './retry-policy';

export interface EventConsumerDefinition<E extends EventEnvelope = EventEnvelope> {
  /** The projection's or reaction's name, for logs. */
  readonly name: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts. */
  readonly fromBeginning: boolean;
  readonly selection: EventSelection<E>;
  readonly target: DeliveryTarget<E>;
  readonly settings: ConsumerSettings;
}

export interface EventConsumerDependencies {
  readonly kafka: Kafka;
  /** Publishes dead letters. */
  readonly producer: EventProducer;
  readonly metrics?: MessagingMetrics;
  readonly logger: LoggerService;
}

type Continuation = 'continue' | 'stop';
type SingleResult = 'applied' | 'dead-lettered' | 'stop';

/** One fetched batch of one partition being worked through. */
interface PartitionWork {
  readonly payload: EachBatchPayload;
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: bigint;
  readonly context: DeliveryContext;
  lastResolved?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupByTopic(offsets: TopicPartitionOffset[]) {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset }]);
  return { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
}

export class EventConsumer<E extends EventEnvelope = EventEnvelope> {
  private readonly consumer: Consumer;
  private readonly decoder: MessageDecoder<E>;
  private readonly deadLetters: DeadLetterPublisher;
  /** Per partition, the stored offset it was sent to since the last assignment. */
  private readonly soughtTo = new Map<string, string>();
  /** Per partition, the next offset to commit to the group once the commit interval is up. */
  private readonly uncommitted = new Map<string, TopicPartitionOffset>();
  private lastCommitAt = Date.now();
  private commitTimer?: NodeJS.Timeout;
  /** Partitions whose lag this member reports. */
  private readonly lagReported = new Map<string, { topic: string; partition: number }>();
  private running = false;

  constructor(
    private readonly definition: EventConsumerDefinition<E>,
    private readonly dependencies: EventConsumerDependencies,
  ) {
    const { settings } = definition;
    this.consumer = dependencies.kafka.consumer({
      groupId: definition.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      allowAutoTopicCreation: false,
    });
    this.decoder = new MessageDecoder(definition.selection);
    this.deadLetters = new DeadLetterPublisher(dependencies.producer, definition.groupId);
    // a new assignment starts over: every partition may be sent to its stored offset once
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.soughtTo.clear();
      // the new owners of revoked partitions commit them from now on
      for (const [key, { topic, partition }] of this.uncommitted) {
        if (!payload.memberAssignment[topic]?.includes(partition)) this.uncommitted.delete(key);
      }
      this.forgetLag((topic, partition) => !payload.memberAssignment[topic]?.includes(partition));
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) =>
      dependencies.logger.error(`${definition.name}: consumer crashed (${payload.error.message}); restart: ${payload.restart}`),
    );
  }

  get groupId(): string {
    return this.definition.groupId;
  }

  get topics(): readonly string[] {
    return this.definition.topics;
  }

  /**
   * Connects, subscribes and joins the group. A failed start (the broker still electing leaders
   * or loading its coordinators) disconnects what it had set up, so it can simply be tried again.
   */
  async start(): Promise<void> {
    if (this.running) return;
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.definition.topics], fromBeginning: this.definition.fromBeginning });
      await this.consumer.run({
        eachBatchAutoResolve: false,
        // committed here, on an interval and at shutdown: kafkajs would commit after every batch
        autoCommit: false,
        partitionsConsumedConcurrently: this.definition.settings.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.consumeBatch(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.running = true;
    // a partition that goes quiet still gets its last offsets committed
    const interval = this.definition.settings.commitIntervalMs;
    this.commitTimer = setInterval(() => {
      if (Date.now() - this.lastCommitAt >= interval) void this.commit((offsets) => this.consumer.commitOffsets(offsets));
    }, Math.max(interval, 50));
  }

  /**
   * Stops fetching, lets the batch in hand finish (retry waits are cut short: an unfinished
   * message stays uncommitted for the next owner), commits, leaves the group, disconnects.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.commitTimer);
    await this.commit((offsets) => this.consumer.commitOffsets(offsets));
    // the batch in hand commits what it adds when it sees the consumer stopping
    await this.consumer.disconnect();
    this.forgetLag(() => true);
  }

  private forgetLag(revoked: (topic: string, partition: number) => boolean): void {
    for (const [key, { topic, partition }] of this.lagReported) {
      if (!revoked(topic, partition)) continue;
      this.dependencies.metrics?.forgetLag(this.groupId, topic, partition);
      this.lagReported.delete(key);
    }
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty() || payload.isStale()) return;
    const { topic, partition } = batch;
    const key = `${topic}:${partition}`;
    const work: PartitionWork = {
      payload,
      topic,
      partition,
      firstOffset: BigInt(batch.firstOffset() ?? batch.messages[0].offset),
      context: { soughtTo: this.soughtTo.get(key) },
    };
    const endTimer = this.dependencies.metrics?.startBatch(this.groupId, topic);
    try {
      await this.consumeMessages(work, batch.messages);
      if (!payload.isRunning() || Date.now() - this.lastCommitAt >= this.definition.settings.commitIntervalMs) {
        await this.commit((offsets) => payload.commitOffsetsIfNecessary(groupByTopic(offsets)));
      }
    } finally {
      endTimer?.();
      if (work.lastResolved !== undefined) {
        const lag = Number(BigInt(batch.highWatermark) - BigInt(work.lastResolved) - 1n);
        this.dependencies.metrics?.recordLag(this.groupId, topic, partition, lag);
        this.lagReported.set(key, { topic, partition });
      }
    }
  }

  private async consumeMessages(work: PartitionWork, messages: KafkaMessage[]): Promise<void> {
    const limit = this.definition.target.maxMessagesPerApply;
    let run: DeliverableMessage<E>[] = [];
    // the limit counts the events a run delivers: a message skipped by type costs the target nothing
    let events = 0;
    for (const message of messages) {
      const decoded = this.decoder.decode(message.value, { topic: work.topic, partition: work.partition, offset: message.offset }, message.headers);
      if (decoded.kind === 'poison') {
        if ((await this.deliver(work, run)) === 'stop') return;
        run = [];
        events = 0;
        // bytes that do not decode will not decode on a retry: straight to the dead-letter topic
        if ((await this.deadLetter(work, message, decoded.position, `${decoded.reason}: ${decoded.error}`, 1, decoded.reason)) === 'stop') {
          return;
        }
        continue;
      }
      run.push(decoded);
      if (decoded.kind === 'skipped') continue;
      if (++events >= limit) {
        if ((await this.deliver(work, run)) === 'stop') return;
        run = [];
        events = 0;
      }
    }
    await this.deliver(work, run);
  }

  /** A run in one go; when it fails, message by message to find the one at fault. */
  private async deliver(work: PartitionWork, run: readonly DeliverableMessage<E>[]): Promise<Continuation> {
    if (run.length === 0) return 'continue';
    if (run.length > 1) {
      let outcome: DeliveryOutcome | undefined;
      try {
        outcome = await this.definition.target.apply(run, work.context);
      } catch (error) {
        this.dependencies.logger.warn(
          `${this.definition.name}: ${run.length} messages of ${work.topic}/${work.partition} from offset ${run[0].position.offset} failed together, applying them one by one: ${(error as Error).message}`,
        );
      }
      if (outcome) return this.settle(work, run, outcome);
    }
    for (let index = 0; index < run.length; index++) {
      const result = await this.deliverOne(work, run[index]);
      if (result === 'stop') return 'stop';
      // the culprit is out of the way: the rest goes back to full runs
      if (result === 'dead-lettered') return this.deliver(work, run.slice(index + 1));
    }
    return 'continue';
  }

  private async deliverOne(work: PartitionWork, message: DeliverableMessage<E>): Promise<SingleResult> {
    const policy = this.definition.settings.retry;
    /** When the handler first answered "later" for this message. */
    let settlingSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let outcome: DeliveryOutcome;
      try {
        outcome = await this.definition.target.apply([message], work.context);
      } catch (error) {
        const unavailable = isStoreUnavailable(error);
        const failure = (error as Error).message ?? String(error);
        const later = !unavailable && asksToRetryLater(error);
        const exhausted = later ? Date.now() - (settlingSince ??= Date.now()) >= policy.settlingMs : attempt >= policy.attempts;
        if (!unavailable && exhausted) {
          const original = work.payload.batch.messages.find((candidate) => candidate.offset === message.position.offset);
          if (!original) throw new Error(`offset ${message.position.offset} is not in the batch of ${work.topic}/${work.partition}`);
          const result = await this.deadLetter(work, original, message.position, failure, attempt, 'handler-failed');
          return result === 'stop' ? 'stop' : 'dead-lettered';
        }
        const delay = unavailable ? policy.maxDelayMs : retryDelayMs(policy, attempt);
        this.dependencies.logger.warn(
          `${this.definition.name}: offset ${message.position.offset} of ${work.topic}/${work.partition} failed (attempt ${attempt}${unavailable ? ', store unavailable' : later ? `, settling for up to ${policy.settlingMs} ms` : `/${policy.attempts}`}), retrying in ${delay} ms: ${failure}`,
        );
        if (!(await this.wait(work, delay))) return 'stop';
        continue;
      }
      return (await this.settle(work, [message], outcome)) === 'stop' ? 'stop' : 'applied';
    }
  }

  private async deadLetter(
    work: PartitionWork,
    message: KafkaMessage,
    position: MessagePosition,
    error: string,
    attempts: number,
    reason: string,
  ): Promise<Continuation> {
    const publish = async () => {
      await this.deadLetters.publish({ topic: work.topic, partition: work.partition, message, error, attempts });
      this.dependencies.metrics?.recordDeadLetter(this.groupId, work.topic, reason);
      this.dependencies.metrics?.recordMessages(this.groupId, work.topic, 'dead-lettered');
      this.dependencies.logger.warn(
        `${this.definition.name}: offset ${position.offset} of ${work.topic}/${work.partition} dead-lettered after ${attempts} attempt(s): ${error}`,
      );
    };
    return this.settle(work, [{ position }], await this.definition.target.deadLetter(position, publish, work.context));
  }

  private async settle(
    work: PartitionWork,
    messages: readonly { position: MessagePosition }[],
    outcome: DeliveryOutcome,
  ): Promise<Continuation> {
    if (outcome.kind === 'seek') {
      const key = `${work.topic}:${work.partition}`;
      this.soughtTo.set(key, outcome.offset);
      // everything before a stored position ahead of the fetch is applied: the group goes there
      // too, or its lag would stay above zero (and autoscalers busy) until new messages arrive
      if (BigInt(outcome.offset) > work.firstOffset) this.uncommitted.set(key, { topic: work.topic, partition: work.partition, offset: outcome.offset });
      this.dependencies.logger.log(
        `${this.definition.name}: ${work.topic}/${work.partition} continues from its stored offset ${outcome.offset} (fetched from ${work.firstOffset})`,
      );
      this.consumer.seek({ topic: work.topic, partition: work.partition, offset: outcome.offset });
      return 'stop';
    }
    const last = messages[messages.length - 1].position.offset;
    const key = `${work.topic}:${work.partition}`;
    this.soughtTo.delete(key);
    work.payload.resolveOffset(last);
    work.lastResolved = last;
    this.uncommitted.set(key, { topic: work.topic, partition: work.partition, offset: (BigInt(last) + 1n).toString() });
    const { metrics } = this.dependencies;
    metrics?.recordMessages(this.groupId, work.topic, 'handled', outcome.handled);
    metrics?.recordMessages(this.groupId, work.topic, 'skipped', outcome.skipped);
    metrics?.recordMessages(this.groupId, work.topic, 'duplicate', outcome.duplicates);
    // long batches keep the membership alive; throws when the group rebalances, which ends
    // the batch here, after committing what was applied if the group still takes it
    try {
      await work.payload.heartbeat();
    } catch (error) {
      await this.commit((offsets) => work.payload.commitOffsetsIfNecessary(groupByTopic(offsets)));
      throw error;
    }
    return 'continue';
  }

  /** Commits the handled offsets not committed yet; on failure they wait for the next try. */
  private async commit(send: (offsets: TopicPartitionOffset[]) => Promise<void>): Promise<void> {
    if (this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.entries()];
    this.uncommitted.clear();
    this.lastCommitAt = Date.now();
    try {
      await send(offsets.map(([, offset]) => offset));
    } catch (error) {
      // keep what a later batch has not superseded meanwhile
      for (const [key, offset] of offsets) if (!this.uncommitted.has(key)) this.uncommitted.set(key, offset);
      // a rebalance makes commits fail until the member rejoins: expected, not worth a warning
      const type = (error as { type?: string }).type ?? '';
      if (!['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID'].includes(type)) {
        this.dependencies.logger.warn(`${this.definition.name}: committing offsets failed, retried later: ${(error as Error).message}`);
      }
    }
  }

  /** Back-off that keeps heartbeating and gives up when the consumer stops or the partition moves. */
  private async wait(work: PartitionWork, ms: number): Promise<boolean> {
    const { payload } = work;
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!payload.isRunning() || payload.isStale()) return false;
      await sleep(Math.min(100, until - Date.now()));
      await payload.heartbeat();
    }
    return payload.isRunning() && !payload.isStale();
  }
}
