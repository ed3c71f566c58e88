// The PostgreSQL event store's statements, kept whole and readable in one place.

/** NOTIFY is scoped to the database, and each service has its own: one channel per store. */
export const EVENT_APPENDED_CHANNEL = 'event_store_appended';

export const createEventStoreSql = [
  `CREATE SCHEMA IF NOT EXISTS event_store`,
  `CREATE TABLE event_store.events (
     global_position bigserial   PRIMARY KEY,
     transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
     stream_id       text        NOT NULL,
     stream_version  integer     NOT NULL,
     event_id        uuid        NOT NULL,
     event_type      text        NOT NULL,
     schema_version  integer     NOT NULL,
     data            jsonb       NOT NULL,
     metadata        jsonb       NOT NULL,
     created_at      timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
     CONSTRAINT events_event_id_unique UNIQUE (event_id)
   )`,
  // the global log's reading order (see readAllSql)
  `CREATE INDEX events_global_order ON event_store.events (transaction_id, global_position)`,
];

export const dropEventStoreSql = [`DROP TABLE event_store.events`];

/**
 * The global log's reading order as the table's key: global_position alone is looked up by no
 * statement, so its own index only cost every append one more index entry. Its sequence still
 * numbers the events, and (transaction_id, global_position) is as unique as global_position.
 * Building the key locks the table against appends for as long as the build takes: on a large
 * store, run it in a quiet hour (the outbox and the consumers catch up after).
 */
export const keyEventsByGlobalOrderSql = [
  `DROP INDEX event_store.events_global_order`,
  `ALTER TABLE event_store.events DROP CONSTRAINT events_pkey,
     ADD CONSTRAINT events_global_order PRIMARY KEY (transaction_id, global_position)`,
];

export const unkeyEventsByGlobalOrderSql = [
  `ALTER TABLE event_store.events DROP CONSTRAINT events_global_order, ADD CONSTRAINT events_pkey PRIMARY KEY (global_position)`,
  `CREATE INDEX events_global_order ON event_store.events (transaction_id, global_position)`,
];

/**
 * One snapshot per stream: its state folded to a version, in the shape `kind` names (a decider's
 * state and the version of that shape). A shortcut to the state, never the truth: the events after
 * it are read and folded on, and a snapshot of another kind is no snapshot at all.
 */
export const createSnapshotsSql = [
  `CREATE TABLE event_store.snapshots (
     stream_id      text        PRIMARY KEY,
     kind           text        NOT NULL,
     stream_version integer     NOT NULL,
     state          jsonb       NOT NULL,
     taken_at       timestamptz NOT NULL DEFAULT now()
   )`,
];

export const dropSnapshotsSql = [`DROP TABLE event_store.snapshots`];

/** $1 stream ids, $2 kind: each stream's snapshot of that kind, a probe of the key per stream. */
export const readSnapshotsSql = `
  SELECT s.stream_id, s.stream_version, s.state
    FROM unnest($1::text[]) AS asked(stream_id)
   CROSS JOIN LATERAL (
         SELECT stream_id, stream_version, state
           FROM event_store.snapshots
          WHERE snapshots.stream_id = asked.stream_id AND snapshots.kind = $2
         OFFSET 0) AS s`;

/**
 * $1 kind, $2 rows {stream_id, stream_version, state} (a stream once): each replaces the stream's
 * snapshot if that one is older or of another kind, never a newer one of the same kind.
 */
export const saveSnapshotsSql = `
  INSERT INTO event_store.snapshots (stream_id, kind, stream_version, state)
  SELECT r.stream_id, $1, r.stream_version, r.state
    FROM jsonb_to_recordset($2::jsonb) AS r(stream_id text, stream_version integer, state jsonb)
  ON CONFLICT (stream_id) DO UPDATE
     SET kind = EXCLUDED.kind, stream_version = EXCLUDED.stream_version, state = EXCLUDED.state, taken_at = now()
   WHERE snapshots.kind <> EXCLUDED.kind OR snapshots.stream_version < EXCLUDED.stream_version`;

export const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';
export const EVENT_ID_CONSTRAINT = 'events_event_id_unique';

const storedEventColumns = `
  stream_id, stream_version, event_id, event_type, schema_version, data, metadata,
  transaction_id::text AS transaction_id, global_position, created_at`;

/** $1 stream id: serialises `any` appends to one stream until the transaction ends. */
export const lockStreamSql = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`;

/** $1 stream id, $2 event ids: the stream's version and which of the ids are stored already. */
export const appendPrecheckSql = `
  SELECT (SELECT coalesce(max(stream_version), 0) FROM event_store.events WHERE stream_id = $1) AS current_version,
         coalesce(
           (SELECT json_agg(json_build_object(
                     'eventId', event_id, 'streamId', stream_id, 'streamVersion', stream_version,
                     'transactionId', transaction_id::text, 'globalPosition', global_position::text))
              FROM event_store.events
             WHERE event_id = ANY ($2::uuid[])),
           '[]') AS stored`;

/**
 * One multi-row INSERT of a chunk of events ($1 stream id, $2 the rows as JSON), optionally
 * guarded. It signals the relay in the same statement (one round trip less per append): NOTIFY
 * is delivered at commit, and not at all if the transaction rolls back or nothing was inserted.
 */
const insertEventsStatement = (guard: string) => `
  WITH inserted AS (
    INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
    SELECT $1, e.stream_version, e.event_id, e.event_type, e.schema_version, e.data, e.metadata
      FROM jsonb_to_recordset($2::jsonb)
           AS e(stream_version integer, event_id uuid, event_type text, schema_version integer, data jsonb, metadata jsonb)
    ${guard}
    RETURNING transaction_id, global_position
  ), notified AS (
    SELECT pg_notify('${EVENT_APPENDED_CHANNEL}', $1) WHERE EXISTS (SELECT 1 FROM inserted)
  )
  SELECT inserted.transaction_id::text AS transaction_id, inserted.global_position::text AS global_position
    FROM inserted LEFT JOIN notified ON true`;

/** $1 stream id, $2 the rows as JSON (their versions checked by the caller's precheck). */
export const insertEventsSql = insertEventsStatement('');

/**
 * $1 stream id, $2 the rows as JSON, $3 the version the stream must be at. The optimistic append
 * in one statement (its own transaction when run alone): nothing is inserted unless the stream is
 * at $3, and a concurrent twin or an event id stored already fails on the unique constraints.
 * Zero rows back means the stream was elsewhere: the caller falls back to the checked append.
 */
export const insertEventsAtVersionSql = insertEventsStatement(
  'WHERE (SELECT coalesce(max(stream_version), 0) FROM event_store.events WHERE stream_id = $1) = $3',
);

/**
 * $1 the rows as JSON, each with its stream, the version its stream must be at (`base`) and its
 * place in the batch (`seq`): the events of many streams in one INSERT, all or none. A stream not
 * at its base inserts nothing for any of them and comes back as `moved`; a concurrent twin or an
 * event id stored already fails on the unique constraints. Rows go in `seq` order, which is their
 * order in the global log (one transaction). One NOTIFY for the lot.
 */
export const insertEventsOfStreamsSql = `
  WITH batch AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS e(seq integer, stream_id text, base integer, stream_version integer, event_id uuid,
           event_type text, schema_version integer, data jsonb, metadata jsonb)
  ), moved AS (
    SELECT DISTINCT b.stream_id
      FROM batch b
     WHERE (SELECT coalesce(max(x.stream_version), 0) FROM event_store.events x WHERE x.stream_id = b.stream_id) <> b.base
  ), inserted AS (
    INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
    SELECT b.stream_id, b.stream_version, b.event_id, b.event_type, b.schema_version, b.data, b.metadata
      FROM batch b
     WHERE NOT EXISTS (SELECT 1 FROM moved)
     ORDER BY b.seq
    RETURNING stream_id, transaction_id, global_position
  ), notified AS (
    SELECT pg_notify('${EVENT_APPENDED_CHANNEL}', min(stream_id)) FROM inserted HAVING count(*) > 0
  )
  SELECT false AS moved, inserted.stream_id, inserted.transaction_id::text AS transaction_id, inserted.global_position::text AS global_position
    FROM inserted LEFT JOIN notified ON true
  UNION ALL
  SELECT true, moved.stream_id, NULL, NULL FROM moved`;

/**
 * $1 stream ids, $2 a version for each (0: the whole stream): the events of each stream after its
 * version, stream by stream in version order. A range of the (stream_id, stream_version) index per
 * stream: the lateral read (OFFSET 0 keeps it one, not a join the planner may hash over the whole
 * table). Written as `stream_id = ANY($1)`, a generic plan made while the table was nearly empty
 * kept scanning it whole for a handful of streams (5,638 rows read for 64 in the renewal bench).
 */
export const readStreamsAfterSql = `
  SELECT e.*
    FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS asked(stream_id, after_version, place)
   CROSS JOIN LATERAL (
         SELECT ${storedEventColumns}
           FROM event_store.events
          WHERE events.stream_id = asked.stream_id AND events.stream_version > asked.after_version
          ORDER BY events.stream_version
         OFFSET 0) AS e
   ORDER BY asked.place, e.stream_version`;

/** $1 stream id, $2 first version. */
export const readStreamSql = `
  SELECT ${storedEventColumns}
    FROM event_store.events
   WHERE stream_id = $1 AND stream_version >= $2
   ORDER BY stream_version`;

export const streamVersionSql = `
  SELECT coalesce(max(stream_version), 0) AS current_version FROM event_store.events WHERE stream_id = $1`;

/**
 * $1 transaction id, $2 global position (the checkpoint), $3 limit.
 *
 * Gap safety: a sequence hands out global positions when rows are inserted, not when their
 * transaction commits, so a reader ordering by position alone can pass over an event whose
 * transaction commits late and never come back for it. Ordering by (transaction id, position)
 * and stopping below the oldest transaction still running (the snapshot's xmin) means every row
 * still to come sorts after the checkpoint.
 *
 * The snapshot is the whole cluster's, though, and each service has its own database, often in a
 * shared cluster: one long transaction of another database (a report, a scheduler's claim) would
 * hold every store's log back. So the horizon is the oldest running transaction that is not known
 * to belong to another database. When in doubt (it ended meanwhile, or this role may not see the
 * other sessions) a transaction is kept: the horizon can only be too early, never too late.
 *
 * The ORDER BY names the table's columns: an unqualified name would be the select list's
 * `transaction_id::text`, sorted as text ('1000' before '999'), which mixes up a batch whose
 * transaction ids cross a power of ten (the checkpoint then passes over the smaller ones for good)
 * and cannot use the index, so every batch sorted all that follows the checkpoint.
 */
export const readAllSql = `
  WITH snapshot AS (SELECT pg_current_snapshot() AS current)
  SELECT ${storedEventColumns}
    FROM event_store.events, snapshot
   WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
     AND transaction_id < coalesce(
           (SELECT min(running)
              FROM pg_snapshot_xip(snapshot.current) AS running
             WHERE xid(running) NOT IN (SELECT backend_xid FROM pg_stat_activity
                                         WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
           pg_snapshot_xmax(snapshot.current))
   ORDER BY events.transaction_id, events.global_position
   LIMIT $3`;

/**
 * $1 transaction id, $2 global position: whether anything is stored after a checkpoint, found by
 * walking the log's index from it. The relay asks after every batch short of full. A count (or an
 * EXISTS) over the range is planned from the statistics, and without any (a table autovacuum has
 * not analysed yet, or autovacuum off) the planner guesses a third of the table matches and scans
 * all of it: 35 ms at 200,000 events for the ~60 after the checkpoint, 4.3 ms a call and 57 calls a
 * second in a 10-minute sustained run. Ordered as the index with a limit of one, the index wins.
 */
export const storedAfterSql = `
  SELECT 1 AS stored
    FROM event_store.events
   WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
   ORDER BY events.transaction_id, events.global_position
   LIMIT 1`;

/** $1 transaction id, $2 global position: what is stored after a checkpoint. */
export const backlogSql = `
  SELECT count(*)::int AS events, min(created_at) AS oldest_stored_at
    FROM event_store.events
   WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`;
