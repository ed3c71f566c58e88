// The messaging side of one service process, with or without Nest: its Kafka client, topics,
// producer, and one consumer group member per registered projection or reaction.
import type { EventEnvelope } from '@billing/contracts';
import { Logger, type LoggerService } from '@nestjs/common';
import { logLevel, type Admin, type Kafka, type logCreator } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { defaultConsumerSettings, type ConsumerSettings } from './consuming/consumer-settings';
import { EventConsumer } from './consuming/event-consumer';
import { whileBrokerSettles } from './kafka/broker-settling';
import { kafkaClient } from './kafka/kafka-client';
import type { RetryPolicy } from './consuming/retry-policy';
import { MessagingMetrics } from './metrics/messaging-metrics';
import { EventProducer } from './producing/event-producer';
import type { Projection } from './projections/projection';
import { ProjectionDelivery } from './projections/projection-delivery';
import { rebuildProjection, type RebuildReplay } from './projections/projection-rebuild';
import type { Reaction } from './reactions/reaction';
import { pruneProcessedEvents } from './reactions/processed-events';
import { ReactionDelivery } from './reactions/reaction-delivery';
import { TopicProvisioner, type TopicDefaults, type TopicProvisioning, type TopicSpec } from './topics/topic-provisioner';

export interface MessagingOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The service's group: each projection or reaction consumes as `<groupId>.<name>`. */
  readonly groupId: string;
  /** Topics to create on start besides the subscribed ones (e.g. the service's own). */
  readonly topics?: readonly (TopicSpec | string)[];
  readonly topicDefaults?: Partial<TopicDefaults>;
  readonly consumer?: Partial<Omit<ConsumerSettings, 'retry'>>;
  /** Handler attempts and back-off before a message is dead-lettered. */
  readonly retry?: Partial<RetryPolicy>;
  /** Events per projection transaction (default 1000). */
  readonly maxEventsPerTransaction?: number;
  /** Partition keys a reaction handles at once within a partition (default 4; see Reaction.lanes). */
  readonly reactionLanes?: number;
  readonly logger?: LoggerService;
  /** kafkajs' own log lines at or above this level go to the logger (default WARN). */
  readonly kafkaLogLevel?: logLevel;
  /**
   * How long the projections' processed event ids are kept (default 30 days; 0 keeps them for
   * ever). A projection also keeps its position, so an id only stops the relay's second copy of an
   * event, which follows the first closely; a copy published again after this long is applied
   * again. Reactions' ids are kept: a group whose offsets expired reads its topics from the start.
   */
  readonly processedEventsRetentionMs?: number;
  /** How often the expired ids are deleted (default hourly). */
  readonly processedEventsPruneIntervalMs?: number;
}

const DAY_MS = 86_400_000;

export interface MessagingDependencies {
  /** The read store: required for projections and reactions. */
  readonly dataSource?: DataSource;
  /** Where the consumer metrics are registered (lag, dead letters, batch duration, messages). */
  readonly metricsRegistry?: Registry;
}

/** Refused: no projection of that name, or one rebuild of it is running already. */
export class ProjectionRebuildRefused extends Error {
  constructor(
    readonly reason: 'unknown-projection' | 'rebuild-running',
    message: string,
  ) {
    super(message);
    this.name = 'ProjectionRebuildRefused';
  }
}

export interface ConsumerRegistration {
  /** Overrides `<groupId>.<name>`. */
  readonly groupId?: string;
}

function kafkaLogs(logger: LoggerService): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const line = `kafkajs${namespace ? ` ${namespace}` : ''}: ${log.message}`;
      if (level <= logLevel.ERROR) logger.error(line);
      else if (level === logLevel.WARN) logger.warn(line);
      else logger.log(line);
    };
}

export class MessagingRuntime {
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  private readonly logger: LoggerService;
  private readonly metrics?: MessagingMetrics;
  private readonly settings: ConsumerSettings;
  private readonly consumers: EventConsumer[] = [];
  private readonly projections = new Map<string, Projection<EventEnvelope>>();
  private readonly rebuilding = new Set<string>();
  private admin?: Promise<Admin>;
  private started = false;
  private pruning?: NodeJS.Timeout;

  constructor(
    private readonly options: MessagingOptions,
    private readonly dependencies: MessagingDependencies = {},
  ) {
    this.logger = options.logger ?? new Logger('Messaging');
    this.kafka = kafkaClient({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: options.kafkaLogLevel ?? logLevel.WARN,
      logCreator: kafkaLogs(this.logger),
    });
    this.producer = new EventProducer(this.kafka);
    this.metrics = dependencies.metricsRegistry ? new MessagingMetrics(dependencies.metricsRegistry) : undefined;
    this.settings = {
      ...defaultConsumerSettings,
      ...options.consumer,
      retry: { ...defaultConsumerSettings.retry, ...options.retry },
    };
  }

  registerProjection<E extends EventEnvelope>(projection: Projection<E>, registration: ConsumerRegistration = {}): void {
    const target = new ProjectionDelivery(projection, this.requireDataSource(projection.name), {
      maxEventsPerTransaction: this.options.maxEventsPerTransaction,
    });
    // a projection without a position starts at the beginning of the log: it needs all history
    this.addConsumer(projection.name, projection.topics, true, projection, target, registration);
    this.projections.set(projection.name, projection as unknown as Projection<EventEnvelope>);
  }

  /** The projections this process runs, by name (what an operator may rebuild). */
  registeredProjections(): readonly Projection<EventEnvelope>[] {
    return [...this.projections.values()];
  }

  /**
   * Replays a registered projection from the beginning of its topics into fresh tables and swaps
   * them in while the live projection runs on; one rebuild of a projection at a time per process.
   */
  async rebuildProjection(name: string, options: { timeoutMs?: number } = {}): Promise<RebuildReplay> {
    const projection = this.projections.get(name);
    if (!projection) throw new ProjectionRebuildRefused('unknown-projection', `no projection named ${name}`);
    if (this.rebuilding.has(name)) throw new ProjectionRebuildRefused('rebuild-running', `${name} is being rebuilt already`);
    this.rebuilding.add(name);
    try {
      return await rebuildProjection({
        projection,
        kafka: this.kafka,
        dataSource: this.requireDataSource(name),
        groupId: this.options.groupId,
        settings: this.settings,
        maxEventsPerTransaction: this.options.maxEventsPerTransaction,
        timeoutMs: options.timeoutMs,
        logger: this.logger,
      });
    } finally {
      this.rebuilding.delete(name);
    }
  }

  registerReaction<E extends EventEnvelope>(reaction: Reaction<E>, registration: ConsumerRegistration = {}): void {
    const target = new ReactionDelivery(reaction, this.requireDataSource(reaction.name), { lanes: this.options.reactionLanes });
    this.addConsumer(reaction.name, reaction.topics, reaction.fromBeginning ?? false, reaction, target, registration);
  }

  /** Creates missing topics (and their dead-letter topics). */
  async ensureTopics(specs: readonly (TopicSpec | string)[]): Promise<TopicProvisioning> {
    return new TopicProvisioner(await this.connectedAdmin(), this.options.topicDefaults, this.logger).ensureTopics(specs);
  }

  /** Ensures the configured and subscribed topics, then starts every registered consumer. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const subscribed = this.consumers.flatMap((consumer) => consumer.topics);
      const configured = this.options.topics ?? [];
      const named = new Set(configured.map((spec) => (typeof spec === 'string' ? spec : spec.topic)));
      const topics = [...configured, ...[...new Set(subscribed)].filter((topic) => !named.has(topic))];
      // also waits until every partition has a leader (a topic another service has just created)
      await whileBrokerSettles(() => this.ensureTopics(topics));
      // a broker that has just (re)started can still refuse a producer's metadata or a group join
      // ("not the leader", "coordinator is loading") for a while after the topics are there
      await whileBrokerSettles(() => this.producer.connect());
      await Promise.all(this.consumers.map((consumer) => whileBrokerSettles(() => consumer.start())));
      this.schedulePruning();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Deletes the projections' processed event ids once they are past their retention, on an interval. */
  private schedulePruning(): void {
    const retentionMs = this.options.processedEventsRetentionMs ?? 30 * DAY_MS;
    const projections = [...this.projections.keys()];
    const dataSource = this.dependencies.dataSource;
    if (retentionMs <= 0 || projections.length === 0 || !dataSource) return;
    let running = false;
    const prune = async () => {
      if (running || !dataSource.isInitialized) return;
      running = true;
      try {
        const deleted = await pruneProcessedEvents(dataSource, projections, retentionMs / 1_000);
        if (deleted > 0) this.logger.log(`pruned ${deleted} processed event ids older than ${retentionMs / DAY_MS} days`);
      } catch (error) {
        this.logger.warn(`pruning processed event ids failed (${(error as Error).message}); next try at the next interval`);
      } finally {
        running = false;
      }
    };
    this.pruning = setInterval(() => void prune(), this.options.processedEventsPruneIntervalMs ?? 3_600_000);
    this.pruning.unref();
  }

  /** Graceful: every consumer finishes its batch, commits and leaves its group. */
  async stopConsuming(): Promise<void> {
    clearInterval(this.pruning);
    this.pruning = undefined;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  /** Closes the producer and the admin client (after stopConsuming: dead letters need the producer). */
  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await Promise.all([this.producer.disconnect(), admin?.then((client) => client.disconnect(), () => undefined)]);
    this.started = false;
  }

  async stop(): Promise<void> {
    await this.stopConsuming();
    await this.disconnect();
  }

  private addConsumer<E extends EventEnvelope>(
    name: string,
    topics: readonly string[],
    fromBeginning: boolean,
    selection: Projection<E> | Reaction<E>,
    target: ProjectionDelivery<E> | ReactionDelivery<E>,
    registration: ConsumerRegistration,
  ): void {
    if (this.started) throw new Error(`${name}: register projections and reactions before start()`);
    const groupId = registration.groupId ?? `${this.options.groupId}.${name}`;
    if (this.consumers.some((consumer) => consumer.groupId === groupId)) throw new Error(`consumer group ${groupId} is registered twice`);
    const consumer = new EventConsumer<E>(
      { name, groupId, topics, fromBeginning, selection, target, settings: this.settings },
      { kafka: this.kafka, producer: this.producer, metrics: this.metrics, logger: this.logger },
    );
    this.consumers.push(consumer as unknown as EventConsumer);
  }

  private requireDataSource(name: string): DataSource {
    if (!this.dependencies.dataSource) throw new Error(`${name}: projections and reactions need the read store's DataSource`);
    return this.dependencies.dataSource;
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }
}
