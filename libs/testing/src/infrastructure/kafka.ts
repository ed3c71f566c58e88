// Kafka helpers for tests: clients on the test cluster, topics unique to a suite, and waiting
// for a consumer group to catch up instead of sleeping.
import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { testKafkaBrokers } from './environment';
import { waitUntil } from './wait';

export function testKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/** A topic name no other suite or run uses: `<name>.<8 hex>`. */
export function uniqueTopicName(name: string): string {
  return `test.${name}.${randomUUID().slice(0, 8)}`;
}

/**
 * Creates the topics and waits until every partition has a leader. kafkajs' own wait gives up on
 * UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until its metadata has caught up.
 */
export async function createTopics(admin: Admin, topics: string[], numPartitions = 3): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
  });
  await waitUntil(
    async () => {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics });
        return metadata.topics.every((topic) => topic.partitions.length === numPartitions && topic.partitions.every((partition) => partition.leader >= 0));
      } catch {
        return false;
      }
    },
    { timeoutMs: 30_000, description: `leaders for ${topics.join(', ')}` },
  );
}

/** Total messages a group still has to read on a topic (end offsets minus committed offsets). */
export async function consumerGroupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((lag, end) => {
    const at = committedByPartition.get(end.partition) ?? -1;
    const high = Number(end.high);
    return lag + (at < 0 ? high - Number(end.low) : Math.max(0, high - at));
  }, 0);
}

/** Resolves once the group has committed everything produced so far on the topic. */
export async function waitForConsumerCatchUp(
  admin: Admin,
  groupId: string,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitUntil(async () => (await consumerGroupLag(admin, groupId, topic)) === 0, {
    timeoutMs,
    description: `consumer group ${groupId} to catch up on ${topic}`,
  });
}
