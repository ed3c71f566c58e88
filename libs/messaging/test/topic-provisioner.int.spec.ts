// Topics are created through the admin API with their partitions and configs, each with its
// dead-letter topic; a topic that exists is left exactly as it is.
import { deadLetterTopic } from '@billing/contracts';
import { testKafka, uniqueTopicName } from '@billing/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { TopicProvisioner } from '../src';
import { quietLogger } from './fixtures/test-infrastructure';

describe('provisioning topics', () => {
  const orders = uniqueTopicName('orders');
  const invoices = uniqueTopicName('invoices');
  const audit = uniqueTopicName('audit');
  const all = [orders, deadLetterTopic(orders), invoices, deadLetterTopic(invoices), audit];
  let admin: Admin;

  beforeAll(async () => {
    admin = testKafka('provisioner').admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: all }).catch(() => undefined);
    await admin?.disconnect();
  });

  async function partitionCounts(topics: string[]): Promise<Record<string, number>> {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return Object.fromEntries(metadata.map((topic) => [topic.name, topic.partitions.length]));
  }

  async function retentionMs(topic: string): Promise<string | undefined> {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    });
    return resources[0].configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue;
  }

  it('creates missing topics with their dead-letter topics, partitions and configs', async () => {
    const provisioner = new TopicProvisioner(admin, { partitions: 2, configs: { 'min.insync.replicas': '1' } }, quietLogger);
    const result = await provisioner.ensureTopics([
      { topic: orders, partitions: 4, configs: { 'retention.ms': '3600000' } },
      invoices,
      { topic: audit, deadLetter: false },
    ]);

    expect(result.created.sort()).toEqual([...all].sort());
    expect(await partitionCounts(all)).toEqual({
      [orders]: 4,
      [deadLetterTopic(orders)]: 4,
      [invoices]: 2,
      [deadLetterTopic(invoices)]: 2,
      [audit]: 2,
    });
    expect(await retentionMs(orders)).toBe('3600000');
    expect(await retentionMs(deadLetterTopic(orders))).toBe('3600000');
    expect(await admin.listTopics()).not.toContain(deadLetterTopic(audit));
  });

  it('leaves existing topics alone', async () => {
    const provisioner = new TopicProvisioner(admin, { partitions: 6 }, quietLogger);
    const result = await provisioner.ensureTopics([{ topic: orders, partitions: 12, configs: { 'retention.ms': '60000' } }, invoices]);

    expect(result).toEqual({ created: [], existing: [orders, deadLetterTopic(orders), invoices, deadLetterTopic(invoices)] });
    expect(await partitionCounts([orders, invoices])).toEqual({ [orders]: 4, [invoices]: 2 });
    expect(await retentionMs(orders)).toBe('3600000');
  });
});
