// The event ids a consumer has acted on. Kafka delivers at least once and the outbox relay may
// publish an event twice (at two offsets), so a consumer's effect is tied to the event id.
import { namedStatement, runStatementWith } from '@billing/eventsourcing';
import type { EntityManager } from 'typeorm';

const recordSql = namedStatement(
  'processed_events_record',
  `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
   ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
);

const amongSql = namedStatement('processed_events_among', `SELECT event_id FROM processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])`);

/**
 * Records the ids and returns those that were not recorded yet. Inside a transaction the
 * insert holds the new rows' keys until commit: a concurrent consumer recording the same id
 * waits, then finds it taken.
 */
export async function recordProcessedEvents(manager: EntityManager, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await runStatementWith<{ event_id: string }>(manager, recordSql, [consumer, eventIds]);
  return new Set(rows.map((row) => row.event_id));
}

/** The ids among `eventIds` recorded already, in one look-up. */
export async function processedAmong(manager: EntityManager, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await runStatementWith<{ event_id: string }>(manager, amongSql, [consumer, eventIds]);
  return new Set(rows.map((row) => row.event_id));
}
