// Where each projection stands on each partition: the offset of the next message to apply,
// written in the transaction that writes the read model, so the two can never disagree.
// Table names stay unqualified: a rebuild points search_path at its shadow schema.
import { namedStatement, runStatementWith } from '@billing/eventsourcing';
import type { EntityManager } from 'typeorm';

const lockSql = namedStatement(
  'projection_checkpoint_lock',
  `SELECT next_offset FROM projection_checkpoints WHERE projection = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
);

const saveSql = namedStatement(
  'projection_checkpoint_save',
  `UPDATE projection_checkpoints SET next_offset = $4, updated_at = now() WHERE projection = $1 AND topic = $2 AND partition = $3`,
);

export interface ProjectionCheckpoint {
  projection: string;
  topic: string;
  partition: number;
  nextOffset: string;
}

/**
 * Locks the partition's checkpoint row for the rest of the transaction and returns its next
 * offset (0 for a partition never projected). The lock makes two consumers that briefly own
 * the same partition during a rebalance apply its messages one after the other, never twice.
 */
export async function lockCheckpoint(manager: EntityManager, projection: string, topic: string, partition: number): Promise<bigint> {
  let rows = await runStatementWith<{ next_offset: string }>(manager, lockSql, [projection, topic, partition]);
  if (rows.length === 0) {
    await manager.query(
      `INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
       ON CONFLICT (projection, topic, partition) DO NOTHING`,
      [projection, topic, partition],
    );
    rows = await runStatementWith<{ next_offset: string }>(manager, lockSql, [projection, topic, partition]);
  }
  return BigInt(rows[0].next_offset);
}

export async function saveCheckpoint(
  manager: EntityManager,
  projection: string,
  topic: string,
  partition: number,
  nextOffset: bigint,
): Promise<void> {
  await runStatementWith(manager, saveSql, [projection, topic, partition, nextOffset.toString()]);
}

export async function readCheckpoints(manager: EntityManager, projection: string): Promise<ProjectionCheckpoint[]> {
  const rows: { topic: string; partition: number; next_offset: string }[] = await manager.query(
    `SELECT topic, partition, next_offset FROM projection_checkpoints WHERE projection = $1 ORDER BY topic, partition`,
    [projection],
  );
  return rows.map((row) => ({ projection, topic: row.topic, partition: row.partition, nextOffset: row.next_offset }));
}
