// What the platform still has to do: per consumer group, the messages it has not committed yet,
// and per service, the events its outbox relay has not published yet. "Drained" is both at zero,
// and the topics' ends unchanged, for a few samples in a row.
import type { Admin } from 'kafkajs';
import { Client } from 'pg';

export type GroupLag = Record<string, number>;

/** Lag of every consumer group whose name starts with `groupPrefix`, on the topics it committed on. */
export async function lagPerGroup(admin: Admin, groupPrefix: string, ignoreTopic: (topic: string) => boolean): Promise<GroupLag> {
  const { groups } = await admin.listGroups();
  const ends = new Map<string, Map<number, { high: bigint; low: bigint }>>();
  const endsOf = async (topic: string) => {
    let partitions = ends.get(topic);
    if (!partitions) {
      partitions = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { high: BigInt(p.high), low: BigInt(p.low) }]));
      ends.set(topic, partitions);
    }
    return partitions;
  };
  const lag: GroupLag = {};
  for (const { groupId } of groups.filter((group) => group.groupId.startsWith(groupPrefix)).sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    let total = 0n;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      if (ignoreTopic(topic)) continue;
      const topicEnds = await endsOf(topic);
      for (const { partition, offset } of partitions) {
        const end = topicEnds.get(partition);
        if (!end) continue;
        const committed = BigInt(offset);
        total += committed < 0n ? end.high - end.low : end.high > committed ? end.high - committed : 0n;
      }
    }
    lag[groupId.slice(groupPrefix.length)] = Number(total);
  }
  return lag;
}

/** The high watermarks of the topics, summed: it moves while anything is still being produced. */
export async function producedSoFar(admin: Admin, topics: string[]): Promise<bigint> {
  let sum = 0n;
  for (const topic of topics) for (const partition of await admin.fetchTopicOffsets(topic)) sum += BigInt(partition.high);
  return sum;
}

/**
 * Sessions of these samples compile no query. Without statistics (a store never analyzed) the
 * planner believes the checkpoint table holds ~1,000 rows, so the outbox count's estimated cost
 * passes jit_above_cost: each sample spent ~700 ms of a core compiling a query that runs in 0.1 ms,
 * every 10 s per database in the sustained run and every 250 ms while a burst drained.
 */
const NO_JIT = '-c jit=off';

/** Events of a service's event store that its outbox relay has not published yet. */
export async function outboxPending(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, options: NO_JIT });
  await client.connect();
  try {
    const { rows } = await client.query<{ pending: string }>(
      `SELECT coalesce(max(pending), 0)::text AS pending FROM (
         SELECT (SELECT count(*) FROM event_store.events e
                  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS pending
           FROM event_store.outbox_checkpoints c) relays`,
    );
    return Number(rows[0]?.pending ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Payments and refunds invoicing started and has no outcome of yet: the reconciler settles them
 * (after PAYMENT_OUTCOME_TIMEOUT_MS). A platform with one in flight has not finished its work.
 */
export async function moneyInFlight(invoicingDatabaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: invoicingDatabaseUrl, connectionTimeoutMillis: 5_000, options: NO_JIT });
  await client.connect();
  try {
    const { rows } = await client.query<{ pending: number }>(
      `SELECT ((SELECT count(*) FROM payment_attempts_in_flight) + (SELECT count(*) FROM refunds_in_flight))::int AS pending`,
    );
    return rows[0]?.pending ?? 0;
  } finally {
    await client.end();
  }
}
