// The import's write path: one multi-row INSERT per batch of new services, each the first event
// of its own stream, in one transaction. The EventStore port appends to one stream at a time
// (one transaction, five round trips per service), which puts 100,000 services in hours of
// round trips; this writes the same rows the PostgreSQL store writes (its documented table
// `event_store.events`, stream version 1, the store's NOTIFY), and lets the unique constraints
// tell the services already there: a stream that has its first event — or an event id stored —
// is skipped, so re-running an import appends nothing twice. Ask @billing/eventsourcing for a
// multi-stream "append to new streams" to replace it.
import { EVENT_APPENDED_CHANNEL, type NewEvent } from '@billing/eventsourcing';
import type { Pool } from 'pg';
import type { ServiceImported } from '../domain/service';

const insertFirstEventsSql = `
  INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
  SELECT e.stream_id, 1, e.event_id, e.event_type, 1, e.data, e.metadata
    FROM jsonb_to_recordset($1::jsonb) AS e(stream_id text, event_id uuid, event_type text, data jsonb, metadata jsonb)
  ON CONFLICT DO NOTHING
  RETURNING stream_id`;

export type FirstEvent = Readonly<{ streamId: string; event: NewEvent<ServiceImported> }>;

export class LegacyImportStore {
  constructor(private readonly pool: Pool) {}

  /** Appends each event as the first of its stream; returns the streams it created. */
  async appendFirstEvents(batch: readonly FirstEvent[]): Promise<Set<string>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const rows = batch.map(({ streamId, event }) => ({ stream_id: streamId, event_id: event.eventId, event_type: event.type, data: event.data, metadata: event.metadata }));
      const { rows: created } = await client.query<{ stream_id: string }>(insertFirstEventsSql, [JSON.stringify(rows)]);
      // wakes the outbox relay, as the store's own appends do
      if (created.length > 0) await client.query(`SELECT pg_notify($1, $2)`, [EVENT_APPENDED_CHANNEL, 'legacy-import']);
      await client.query('COMMIT');
      return new Set(created.map((row) => row.stream_id));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
