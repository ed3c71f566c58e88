// Every stored event was published: in each service's event store, nothing older than the grace
// period lies beyond the outbox relay's checkpoint (the relay publishes in the store's global
// order, so what is behind its checkpoint is on Kafka).
import { serviceNames } from '../target';
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

// no checkpoint row yet: the relay has published nothing
const unpublishedSql = `
  WITH checkpoint AS (
    SELECT coalesce(max(transaction_id), '0'::xid8) AS transaction_id, coalesce(max(global_position), 0) AS global_position
      FROM event_store.outbox_checkpoints
  )
  SELECT e.event_id, e.event_type, e.stream_id, e.created_at
    FROM event_store.events e, checkpoint c
   WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
     AND e.created_at < now() - make_interval(secs => $1)
   ORDER BY e.transaction_id, e.global_position
   LIMIT 50`;

const unpublishedCountSql = `
  WITH checkpoint AS (
    SELECT coalesce(max(transaction_id), '0'::xid8) AS transaction_id, coalesce(max(global_position), 0) AS global_position
      FROM event_store.outbox_checkpoints
  )
  SELECT count(*)::int AS unpublished, (SELECT count(*)::int FROM event_store.events) AS stored
    FROM event_store.events e, checkpoint c
   WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
     AND e.created_at < now() - make_interval(secs => $1)`;

export const storedEventsPublished: Invariant = {
  name: 'stored-events-published',
  description: 'every stored event was published by the outbox relay',
  async check({ databases, graceSeconds }) {
    const violations: InvariantViolation[] = [];
    let checked = 0;
    let unpublishedTotal = 0;
    for (const service of serviceNames) {
      const [[counts], events] = await Promise.all([
        databases.query<{ unpublished: number; stored: number }>(service, unpublishedCountSql, [graceSeconds]),
        databases.query<{ event_id: string; event_type: string; stream_id: string; created_at: Date }>(service, unpublishedSql, [graceSeconds]),
      ]);
      checked += counts.stored;
      unpublishedTotal += counts.unpublished;
      for (const event of events) {
        violations.push({ id: `${service} event ${event.event_id}`, detail: `${event.event_type} of ${event.stream_id}, stored ${event.created_at.toISOString()}, not published` });
      }
    }
    return { checked, violations: limited(violations, Math.max(unpublishedTotal, violations.length)) };
  },
};
