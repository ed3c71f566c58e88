// The outbox relay's statements: its checkpoint lives next to the events it publishes.

export const createOutboxCheckpointsSql = [
  `CREATE SCHEMA IF NOT EXISTS event_store`,
  `CREATE TABLE event_store.outbox_checkpoints (
     name            text        PRIMARY KEY,
     transaction_id  xid8        NOT NULL,
     global_position bigint      NOT NULL,
     updated_at      timestamptz NOT NULL DEFAULT now()
   )`,
];

export const dropOutboxCheckpointsSql = [`DROP TABLE event_store.outbox_checkpoints`];

/** $1 relay name: its checkpoint, created at the start of the log on first use. */
export const loadCheckpointSql = `
  WITH created AS (
    INSERT INTO event_store.outbox_checkpoints (name, transaction_id, global_position)
    VALUES ($1, '0', 0)
    ON CONFLICT (name) DO NOTHING
    RETURNING transaction_id, global_position
  )
  SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM created
  UNION ALL
  SELECT transaction_id::text, global_position::text FROM event_store.outbox_checkpoints WHERE name = $1`;

/** $1 relay name: read-only, for the lag metrics of any instance (the standby ones too). */
export const peekCheckpointSql = `
  SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
    FROM event_store.outbox_checkpoints WHERE name = $1`;

/**
 * $1 relay name, $2 transaction id, $3 global position. Only ever moves forward: a relay that lost
 * its lock without noticing cannot drag the checkpoint back behind the one that took over.
 */
export const saveCheckpointSql = `
  UPDATE event_store.outbox_checkpoints
     SET transaction_id = $2::xid8, global_position = $3::bigint, updated_at = now()
   WHERE name = $1 AND (transaction_id, global_position) < ($2::xid8, $3::bigint)`;

/** Advisory lock namespace of the relays (first key); the second is hashtext(relay name). */
export const RELAY_LOCK_NAMESPACE = 7_320_100;

export const tryRelayLockSql = `SELECT pg_try_advisory_lock(${RELAY_LOCK_NAMESPACE}, hashtext($1)) AS acquired`;
export const releaseRelayLockSql = `SELECT pg_advisory_unlock(${RELAY_LOCK_NAMESPACE}, hashtext($1))`;
