// Services renewing months after the benches' run, seeded straight into the stores that hold a
// service: what a platform selling for years has on its books next to the services due today.
// Service n has the same id in every store (a uuid derived from n), its customer is one of
// 50,000, and it expires between August 2027 and May 2028 (yearly, automatic). Seeded with
// INSERT … SELECT generate_series, 200,000 services a statement.

export type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

const CHUNK = 200_000;

/** Service n's id, and the id of its ServiceImported, the same in every store. */
const serviceIdOf = (n: string) => `md5('not-due-service-' || ${n})::uuid`;
const importedEventIdOf = (serviceId: string) => `md5('not-due-imported-' || ${serviceId})::uuid`;

/** The columns every store derives from service n. */
const seededServices = `
  SELECT ${serviceIdOf('n')} AS service_id, 'cust-later-' || (n % 50000) AS customer_id,
         DATE '2027-08-01' + (n % 300) AS expiration_date
    FROM generate_series($1::int, $2::int) AS n`;

async function inChunks(count: number, seed: (from: number, to: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += CHUNK) await seed(start, start + Math.min(CHUNK, count - start) - 1);
}

/** Renewal's schedule: one service row and one term row each, their next step months away. */
export async function seedNotDueSchedule(query: Query, count: number): Promise<void> {
  await inChunks(count, (from, to) =>
    query(
      `WITH seeded AS (${seededServices}),
       services AS (
         INSERT INTO renewal_services (service_id, customer_id, subsidiary, universe, currency, plan_code, period, price,
                                       anchor_date, expiration_date, renew_mode, legacy, termination_date, state, updated_at)
         SELECT service_id, customer_id, 'FR', 'web', 'EUR', 'web-hosting-pro', 'P1Y', 8199,
                expiration_date - interval '1 year', expiration_date, 'automatic', false, NULL, 'active', now()
           FROM seeded)
       INSERT INTO renewal_terms (renewal_term_id, service_id, customer_id, subsidiary, term_start, term_end, scheduled_on, currency,
                                  expected_amount, reminder40_on, reminder15_on, invoice_on, lapse_on, deadline_on, termination_on,
                                  status, next_step, next_due_at, updated_at)
       SELECT md5('not-due-term-' || service_id)::uuid, service_id, customer_id, 'FR', expiration_date, expiration_date + interval '1 year',
              DATE '2027-05-01', 'EUR', 8199, expiration_date - 40, expiration_date - 15, expiration_date - 7, expiration_date,
              expiration_date + 7, expiration_date + 30, 'scheduled', 'reminder40',
              (expiration_date - 40)::timestamp AT TIME ZONE 'Europe/Paris', now()
         FROM seeded`,
      [from, to],
    ),
  );
}

/**
 * Subscription's stores: each service's stream (its ServiceImported), its row in the services read
 * model, and the ids its consumers recorded as processed. Run while the service is stopped: its
 * outbox relay's checkpoint is then moved past the seeded events, as if it had published them.
 */
export async function seedNotDueSubscriptions(query: Query, count: number, consumers: readonly string[]): Promise<void> {
  await inChunks(count, (from, to) =>
    query(
      `WITH seeded AS (${seededServices}),
       events AS (
         INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
         SELECT 'service-' || service_id, 1, ${importedEventIdOf('service_id')}, 'ServiceImported', 1,
                jsonb_build_object('serviceId', service_id, 'customerId', customer_id, 'subsidiary', 'FR', 'universe', 'web',
                                   'planCode', 'web-hosting-pro', 'period', 'P1Y', 'price', jsonb_build_object('value', 8199, 'currency', 'EUR'),
                                   'renewMode', 'automatic', 'legacy', false, 'legacyServiceId', 'later-' || service_id,
                                   'anchorDate', (expiration_date - interval '1 year')::date::text, 'expirationDate', expiration_date::text,
                                   'importedAt', '2026-05-01T06:00:00.000Z'),
                jsonb_build_object('occurredAt', '2026-05-01T06:00:00.000Z', 'partitionKey', customer_id, 'correlationId', gen_random_uuid())
           FROM seeded
         RETURNING event_id),
       processed AS (
         INSERT INTO processed_events (consumer, event_id)
         SELECT consumer, event_id FROM events CROSS JOIN unnest($3::text[]) AS consumer)
       INSERT INTO services (service_id, customer_id, subsidiary, universe, plan_code, period, price, currency, anchor_date, expiration_date,
                             renew_mode, status, legacy_contract, legacy_service_id, created_at, updated_at)
       SELECT service_id, customer_id, 'FR', 'web', 'web-hosting-pro', 'P1Y', 8199, 'EUR', expiration_date - interval '1 year', expiration_date,
              'automatic', 'active', false, 'later-' || service_id, '2026-05-01T06:00:00Z', '2026-05-01T06:00:00Z'
         FROM seeded`,
      [from, to, consumers],
    ),
  );
  await query(
    `UPDATE event_store.outbox_checkpoints c
        SET transaction_id = last.transaction_id, global_position = last.global_position, updated_at = now()
       FROM (SELECT transaction_id, global_position FROM event_store.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS last
      WHERE (c.transaction_id, c.global_position) < (last.transaction_id, last.global_position)`,
    [],
  );
}

/** The ids renewal's consumer of billing.services.v1 recorded for those ServiceImported. */
export async function seedNotDueProcessed(query: Query, count: number, consumer: string): Promise<void> {
  await inChunks(count, (from, to) =>
    query(
      `INSERT INTO processed_events (consumer, event_id)
       SELECT $3, ${importedEventIdOf(serviceIdOf('n'))} FROM generate_series($1::int, $2::int) AS n`,
      [from, to, consumer],
    ),
  );
}
