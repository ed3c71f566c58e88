// How far each consumer group of the platform is behind its topics, per partition. A projection
// keeps its true position in its own database (written with the read model, see
// projection-checkpoints.ts) and commits to Kafka only now and then; a reaction's position is
// its Kafka commit. So a projection's lag is measured from its checkpoints, anything else's from
// the group's committed offsets.
import { AssignerProtocol, type Admin } from 'kafkajs';
import { connectedAdmin, operatorKafka, partitionOffsets, type PartitionOffsets } from './kafka-reading';
import { OperationsError } from './operations-error';
import { OperatorHttp } from './operator-http';
import { ServiceDatabases } from './service-databases';
import { prefixed, serviceNames, type OperationsTarget, type ServiceName } from './target';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** the next offset the group will process; null: none yet (it starts at the low watermark) */
  readonly position: string | null;
  readonly end: string;
  /** null: the group never committed this partition (where it would start depends on its reset policy) */
  readonly lag: number | null;
}

export interface GroupLag {
  readonly groupId: string;
  readonly service?: ServiceName;
  /** `checkpoint`: a projection, positioned by its database; `commit`: positioned by Kafka. */
  readonly positionFrom: 'checkpoint' | 'commit';
  /** the group's state at the broker: Stable, Empty (no member running), Dead (unknown to it)… */
  readonly state: string;
  readonly members: number;
  readonly partitions: readonly PartitionLag[];
  readonly totalLag: number;
}

interface Checkpoint {
  projection: string;
  topic: string;
  partition: number;
  next_offset: string;
}

/** Groups that come and go with one process or one command: not the platform's consumers. */
const transientGroup = /\.test-clock\.|\.rebuild-[0-9a-f]{8}$|^billingctl-/;

export async function consumerLag(target: OperationsTarget, options: { group?: string } = {}): Promise<GroupLag[]> {
  const kafka = operatorKafka(target);
  const admin = await connectedAdmin(kafka, target.brokers);
  try {
    const [checkpoints, projections] = await Promise.all([projectionCheckpoints(target), projectionGroups(target)]);
    // a projection that has applied nothing yet has no checkpoint rows: its position is still its database's
    for (const groupId of projections) if (!checkpoints.has(groupId)) checkpoints.set(groupId, []);
    const listed = (await admin.listGroups()).groups.map((group) => group.groupId);
    const ofPlatform = (groupId: string) => serviceOf(target, groupId) !== undefined && !transientGroup.test(groupId);
    const groups = options.group ? [options.group] : [...new Set([...listed.filter(ofPlatform), ...checkpoints.keys()])].sort();
    if (options.group && !listed.includes(options.group) && !checkpoints.has(options.group)) {
      throw new OperationsError(`no consumer group ${options.group} (known: ${listed.filter(ofPlatform).join(', ') || 'none'})`);
    }
    const ends = new Map<string, Promise<PartitionOffsets[]>>();
    const endsOf = (topic: string) => {
      if (!ends.has(topic)) ends.set(topic, partitionOffsets(admin, topic));
      return ends.get(topic) as Promise<PartitionOffsets[]>;
    };
    return await Promise.all(groups.map((groupId) => groupLag(admin, target, groupId, checkpoints.get(groupId), endsOf)));
  } finally {
    await admin.disconnect();
  }
}

async function groupLag(
  admin: Admin,
  target: OperationsTarget,
  groupId: string,
  checkpoints: Checkpoint[] | undefined,
  endsOf: (topic: string) => Promise<PartitionOffsets[]>,
): Promise<GroupLag> {
  const [committed, { groups: [described] }] = await Promise.all([admin.fetchOffsets({ groupId }), admin.describeGroups([groupId])]);
  // a member's subscription: the topics of a group that has committed nothing yet
  const subscribed = (described?.members ?? []).flatMap((member) => {
    try {
      return AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? [];
    } catch {
      return [];
    }
  });
  const positions = new Map<string, string | null>();
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) positions.set(`${topic}:${partition}`, offset === '-1' ? null : offset);
  }
  if (checkpoints) {
    // the checkpoints are the truth: what the group committed may be behind them
    for (const key of positions.keys()) positions.set(key, null);
    for (const checkpoint of checkpoints) positions.set(`${checkpoint.topic}:${checkpoint.partition}`, checkpoint.next_offset);
  }
  const topics = [...new Set([...committed.map((entry) => entry.topic), ...(checkpoints ?? []).map((checkpoint) => checkpoint.topic), ...subscribed])].sort();
  const partitions: PartitionLag[] = [];
  for (const topic of topics) {
    for (const { partition, low, high } of await endsOf(topic).catch(() => [])) {
      const position = positions.get(`${topic}:${partition}`) ?? null;
      // a projection without a checkpoint has applied nothing (it starts at the beginning); a group
      // that never committed a partition starts where its reset policy says: unknown from here
      if (position === null && !checkpoints) {
        partitions.push({ topic, partition, position, end: high.toString(), lag: null });
        continue;
      }
      const from = position === null || BigInt(position) < low ? low : BigInt(position);
      partitions.push({ topic, partition, position, end: high.toString(), lag: Number(high > from ? high - from : 0n) });
    }
  }
  return {
    groupId,
    service: serviceOf(target, groupId),
    positionFrom: checkpoints ? 'checkpoint' : 'commit',
    state: described?.state ?? 'Unknown',
    members: described?.members.length ?? 0,
    partitions,
    totalLag: partitions.reduce((sum, partition) => sum + (partition.lag ?? 0), 0),
  };
}

function serviceOf(target: OperationsTarget, groupId: string): ServiceName | undefined {
  return serviceNames.find((service) => groupId.startsWith(`${prefixed(target, service)}.`));
}

/** Every projection's checkpoints, by its consumer group (`<service group>.<projection>`). */
async function projectionCheckpoints(target: OperationsTarget): Promise<Map<string, Checkpoint[]>> {
  const byGroup = new Map<string, Checkpoint[]>();
  const databases = new ServiceDatabases(target);
  try {
    for (const service of serviceNames) {
      const rows = await databases.query<Checkpoint>(service, `SELECT projection, topic, partition, next_offset::text AS next_offset FROM projection_checkpoints`);
      for (const row of rows) {
        const groupId = `${prefixed(target, service)}.${row.projection}`;
        byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), row]);
      }
    }
  } finally {
    await databases.close();
  }
  return byGroup;
}

/** The projections' groups as the services name them; none from a service that does not answer. */
async function projectionGroups(target: OperationsTarget): Promise<string[]> {
  const http = new OperatorHttp(target);
  const listed = await Promise.all(
    serviceNames.map((service) =>
      http
        .json<{ projections: { name: string }[] }>(service, '/operator/projections')
        .then(({ projections }) => projections.map((projection) => `${prefixed(target, service)}.${projection.name}`))
        .catch(() => []),
    ),
  );
  return listed.flat();
}
