// Topics exist before anything produces or subscribes: created on boot through the admin API
// with their partitions and configs, each with its dead-letter topic. The broker does not
// auto-create topics, and a topic that exists is left exactly as it is (changing partitions
// would move customers between partitions and break their ordering).
import { DEFAULT_PARTITIONS, deadLetterTopic } from '@billing/contracts';
import type { LoggerService } from '@nestjs/common';
import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  /** Default: the provisioner's default (DEFAULT_PARTITIONS). */
  readonly partitions?: number;
  /** Default: the provisioner's default (the broker's default.replication.factor). */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'retention.ms': '604800000', 'min.insync.replicas': '2' }`. */
  readonly configs?: Readonly<Record<string, string>>;
  /** Also create `<topic>.dlt` with the same settings. Default true. */
  readonly deadLetter?: boolean;
}

/** Metadata answers a KRaft broker gives for a topic it has just created and not yet served. */
const transientMetadataErrors = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER']);

export interface TopicDefaults {
  readonly partitions: number;
  /** -1 lets the broker apply its default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicProvisioning {
  readonly created: string[];
  readonly existing: string[];
}

export class TopicProvisioner {
  private readonly defaults: TopicDefaults;

  constructor(
    private readonly admin: Admin,
    defaults: Partial<TopicDefaults> = {},
    private readonly logger?: LoggerService,
    /** How long ensureTopics waits for every partition to have a leader. */
    private readonly leaderTimeoutMs = 30_000,
  ) {
    this.defaults = { partitions: DEFAULT_PARTITIONS, replicationFactor: -1, configs: {}, ...defaults };
  }

  /**
   * Creates the missing topics (and their dead-letter topics); existing ones are left alone.
   * Returns once every partition of every wanted topic has a leader, so that producing and
   * subscribing right after cannot meet "This server does not host this topic-partition".
   */
  async ensureTopics(specs: readonly (TopicSpec | string)[]): Promise<TopicProvisioning> {
    const wanted = new Map<string, ITopicConfig>();
    for (const spec of specs.map((entry) => (typeof entry === 'string' ? { topic: entry } : entry))) {
      const config = this.topicConfig(spec);
      wanted.set(spec.topic, config);
      if (spec.deadLetter !== false) wanted.set(deadLetterTopic(spec.topic), { ...config, topic: deadLetterTopic(spec.topic) });
    }

    const present = new Set(await this.admin.listTopics());
    const missing = [...wanted.values()].filter((config) => !present.has(config.topic));
    if (missing.length > 0) {
      // false means another replica created them first, which is just as good
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
      // until its metadata has caught up with the creation: waitForLeaders below tolerates it
      await this.admin.createTopics({ topics: missing, waitForLeaders: false });
      this.logger?.log(`created topics ${missing.map((config) => `${config.topic} (${config.numPartitions} partitions)`).join(', ')}`);
    }
    await this.waitForLeaders([...wanted.keys()]);
    return {
      created: missing.map((config) => config.topic),
      existing: [...wanted.keys()].filter((topic) => present.has(topic)),
    };
  }

  /** Polls the topics' metadata until every partition has a leader, or the timeout passes. */
  async waitForLeaders(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const deadline = Date.now() + this.leaderTimeoutMs;
    for (let delayMs = 50; ; delayMs = Math.min(1_000, delayMs * 2)) {
      let waitingFor: string;
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
        const leaderless = metadata.topics.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0));
        if (leaderless.length === 0) return;
        waitingFor = `no leader yet for ${leaderless.map((topic) => topic.name).join(', ')}`;
      } catch (error) {
        if (!transientMetadataErrors.has((error as { type?: string }).type ?? '')) throw error;
        waitingFor = (error as Error).message;
      }
      if (Date.now() + delayMs > deadline) throw new Error(`topics not served after ${this.leaderTimeoutMs} ms: ${waitingFor}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private topicConfig(spec: TopicSpec): ITopicConfig {
    const configs = { ...this.defaults.configs, ...spec.configs };
    return {
      topic: spec.topic,
      numPartitions: spec.partitions ?? this.defaults.partitions,
      replicationFactor: spec.replicationFactor ?? this.defaults.replicationFactor,
      configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
    };
  }
}
