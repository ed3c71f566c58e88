// The Kafka side of the manifests follows the code: KEDA scales each service on the lag of the
// consumer groups it really runs, and the topic operator owns the topics the services provision.
import { DEFAULT_PARTITIONS, deadLetterTopic, publicTopics } from '@billing/contracts';
import { declaredConsumers, overlayNames, renderKustomization, serviceNames, type KubernetesObject } from '../src/deployment';

const byGroup = (a: { group: string; topic: string }, b: { group: string; topic: string }) => `${a.group} ${a.topic}`.localeCompare(`${b.group} ${b.topic}`);

describe.each(overlayNames())('the k8s/overlays/%s rendering', (overlay) => {
  let objects: KubernetesObject[];

  beforeAll(() => {
    objects = renderKustomization(`overlays/${overlay}`);
  });

  describe.each(serviceNames)('given the %s service', (service) => {
    it('scales it on the lag of each consumer group its projections and reactions consume as', () => {
      const scaledObject = objects.find((object) => object.kind === 'ScaledObject' && object.spec.scaleTargetRef.name === service);
      const triggers = (scaledObject?.spec.triggers ?? []).map((trigger: { type: string; metadata: { consumerGroup: string; topic: string } }) => ({
        group: trigger.metadata.consumerGroup,
        topic: trigger.metadata.topic,
        type: trigger.type,
      }));
      const expected = declaredConsumers(service).map((consumer) => ({ ...consumer, type: 'kafka' }));
      expect(expected.length).toBeGreaterThan(0);
      expect(triggers.sort(byGroup)).toEqual(expected.sort(byGroup));
    });

    it('never scales it past one consumer per partition', () => {
      const scaledObject = objects.find((object) => object.kind === 'ScaledObject' && object.spec.scaleTargetRef.name === service);
      expect(scaledObject?.spec.maxReplicaCount).toBeLessThanOrEqual(DEFAULT_PARTITIONS);
    });
  });

  it('declares every public topic and its dead-letter topic with the partitions the services provision', () => {
    const kafkaTopics = objects
      .filter((object) => object.kind === 'KafkaTopic' && !object.spec.topicName.includes('test-clock'))
      .map((object) => ({ topic: object.spec.topicName, partitions: object.spec.partitions }));
    const provisioned = publicTopics.flatMap((topic) => [topic, deadLetterTopic(topic)]).map((topic) => ({ topic, partitions: DEFAULT_PARTITIONS }));
    expect(kafkaTopics.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual(provisioned.sort((a, b) => a.topic.localeCompare(b.topic)));
  });

  it("replicates the topics as the brokers' default replication factor says", () => {
    const [kafka] = objects.filter((object) => object.kind === 'Kafka');
    const replicas = new Set(objects.filter((object) => object.kind === 'KafkaTopic').map((object) => object.spec.replicas));
    expect([...replicas]).toEqual([kafka.spec.kafka.config['default.replication.factor']]);
  });
});
