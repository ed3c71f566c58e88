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
  ) {
    this.defaults = { partitions: DEFAULT_PARTITIONS, replicationFactor: -1, configs: {}, ...defaults };
  }

  /** Creates the missing topics (and their dead-letter topics); existing ones are left alone. */
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
      await this.admin.createTopics({ topics: missing, waitForLeaders: true });
      this.logger?.log(`created topics ${missing.map((config) => `${config.topic} (${config.numPartitions} partitions)`).join(', ')}`);
    }
    return {
      created: missing.map((config) => config.topic),
      existing: [...wanted.keys()].filter((topic) => present.has(topic)),
    };
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
