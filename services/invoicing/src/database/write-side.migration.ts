// The tables that commit with the invoice streams (in the same transactions as their events):
// the number series, and the payment attempts whose outcome is not known yet.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInvoicingWriteSide1771000000000 implements MigrationInterface {
  name = 'CreateInvoicingWriteSide1771000000000';

  async up(runner: QueryRunner): Promise<void> {
    // One row per series; its lock serialises the issues of the series until they commit, so the
    // numbers are continuous and in commit order (see InvoiceNumbering).
    await runner.query(`
      CREATE TABLE invoice_series (
        series         text        PRIMARY KEY,
        last_number    integer     NOT NULL CHECK (last_number > 0),
        last_issued_at timestamptz NOT NULL
      )`);
    // Written with PaymentAttemptStarted, deleted with its outcome: what the reconciler settles
    // by asking the gateway, and what the debt account shows as pending.
    await runner.query(`
      CREATE TABLE payment_attempts_in_flight (
        idempotency_key text        PRIMARY KEY,
        invoice_id      uuid        NOT NULL,
        attempt         integer     NOT NULL,
        customer_id     text        NOT NULL,
        currency        text        NOT NULL,
        amount          bigint      NOT NULL,
        started_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX payment_attempts_in_flight_by_start ON payment_attempts_in_flight (started_at)`);
    await runner.query(`CREATE INDEX payment_attempts_in_flight_of_customer ON payment_attempts_in_flight (customer_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment_attempts_in_flight`);
    await runner.query(`DROP TABLE invoice_series`);
  }
}

/**
 * Refunds owed to customers (credit notes with `refunded: true`), written in the credit note's
 * transaction and deleted in the one that records the gateway's answer: whatever a crash
 * interrupts, the reconciler finds the row and asks the gateway again with the same key.
 */
export class AddRefundsInFlight1771000000004 implements MigrationInterface {
  name = 'AddRefundsInFlight1771000000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE refunds_in_flight (
        idempotency_key text        PRIMARY KEY,
        invoice_id      uuid        NOT NULL,
        credit_note_id  uuid        NOT NULL,
        customer_id     text        NOT NULL,
        currency        text        NOT NULL,
        amount          bigint      NOT NULL,
        started_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX refunds_in_flight_by_start ON refunds_in_flight (started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE refunds_in_flight`);
  }
}

/**
 * How many times the reconciler has sent an attempt the gateway never received again (with its
 * own key). Counted before each send, so that a process dying mid-send still uses one up.
 */
export class AddPaymentResends1771000000006 implements MigrationInterface {
  name = 'AddPaymentResends1771000000006';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment_attempts_in_flight ADD COLUMN resends integer NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment_attempts_in_flight DROP COLUMN resends`);
  }
}
