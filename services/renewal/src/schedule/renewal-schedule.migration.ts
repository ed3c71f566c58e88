// The renewal schedule: one row per service (what subscription published about it), one row per
// renewal term (its step dates, where it stands, and its next due time), and the accounts' renew
// settings. The scheduler's claim reads only the partial index of due terms, so a run costs what
// is due, never what is stored.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRenewalSchedule1780000000000 implements MigrationInterface {
  name = 'CreateRenewalSchedule1780000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE renewal_services (
        service_id        uuid        PRIMARY KEY,
        customer_id       text        NOT NULL,
        subsidiary        text        NOT NULL,
        universe          text        NOT NULL,
        currency          text        NOT NULL,
        plan_code         text        NOT NULL,
        period            text        NOT NULL,
        price             bigint      NOT NULL,
        anchor_date       date        NOT NULL,
        expiration_date   date        NOT NULL,
        renew_mode        text        NOT NULL,
        legacy            boolean     NOT NULL,
        termination_date  date,
        state             text        NOT NULL,
        updated_at        timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX renewal_services_of_customer ON renewal_services (customer_id)`);
    await runner.query(`
      CREATE TABLE renewal_terms (
        renewal_term_id    uuid        PRIMARY KEY,
        service_id         uuid        NOT NULL,
        customer_id        text        NOT NULL,
        subsidiary         text        NOT NULL,
        term_start         date        NOT NULL,
        term_end           date        NOT NULL,
        scheduled_on       date        NOT NULL,
        currency           text        NOT NULL,
        expected_amount    bigint      NOT NULL,
        requested_amount   bigint,
        reminder40_on      date,
        reminder15_on      date,
        invoice_on         date,
        lapse_on           date        NOT NULL,
        deadline_on        date        NOT NULL,
        termination_on     date        NOT NULL,
        status             text        NOT NULL,
        reminders_sent     smallint[]  NOT NULL DEFAULT '{}',
        invoice_id         uuid,
        next_retry_attempt integer,
        next_retry_on      date,
        next_step          text,
        next_due_at        timestamptz,
        updated_at         timestamptz NOT NULL,
        CONSTRAINT renewal_terms_one_per_start UNIQUE (service_id, term_start)
      )`);
    // the scheduler's queue: only rows with work left are in it
    await runner.query(`CREATE INDEX renewal_terms_due ON renewal_terms (next_due_at) WHERE next_due_at IS NOT NULL`);
    // the forecast: terms still to be renewed, by expiration
    await runner.query(`CREATE INDEX renewal_terms_open_by_expiration ON renewal_terms (term_start) WHERE status IN ('scheduled', 'reminded', 'invoiceRequested')`);
    await runner.query(`CREATE INDEX renewal_terms_of_customer ON renewal_terms (customer_id, term_start)`);
    await runner.query(`
      CREATE TABLE autorenew_settings (
        customer_id text        PRIMARY KEY,
        active      boolean     NOT NULL,
        renew_day   smallint    NOT NULL,
        changed_at  timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE autorenew_settings`);
    await runner.query(`DROP TABLE renewal_terms`);
    await runner.query(`DROP TABLE renewal_services`);
  }
}
