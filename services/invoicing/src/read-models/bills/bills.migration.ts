// The bills read model: one row per invoice and per credit note, as its customer lists them.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBillsReadModel1771000000002 implements MigrationInterface {
  name = 'CreateBillsReadModel1771000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE bills (
        bill_id              uuid        PRIMARY KEY,
        kind                 text        NOT NULL CHECK (kind IN ('invoice', 'creditNote')),
        customer_id          text        NOT NULL,
        invoice_id           uuid        NOT NULL,
        number               text        NOT NULL UNIQUE,
        series               text        NOT NULL,
        sequence             integer     NOT NULL,
        subsidiary           text        NOT NULL,
        currency             text        NOT NULL,
        category             text        NOT NULL,
        status               text        NOT NULL,
        total_without_tax    bigint      NOT NULL,
        total_tax            bigint      NOT NULL,
        total_with_tax       bigint      NOT NULL,
        credited_amount      bigint      NOT NULL DEFAULT 0,
        paid_amount          bigint      NOT NULL DEFAULT 0,
        due_date             date,
        issued_at            timestamptz NOT NULL,
        paid_at              timestamptz,
        last_payment_failure jsonb,
        credit_note_reason   text,
        refunded             boolean,
        document             jsonb       NOT NULL,
        updated_at           timestamptz NOT NULL,
        UNIQUE (series, sequence)
      )`);
    await runner.query(`CREATE INDEX bills_of_customer_newest_first ON bills (customer_id, issued_at DESC, bill_id)`);
    await runner.query(`CREATE INDEX bills_unpaid_of_customer ON bills (customer_id) WHERE kind = 'invoice' AND status = 'unpaid'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE bills`);
  }
}

/** When a refunded credit note's money actually went back, and the gateway's reference. */
export class AddBillRefunds1771000000005 implements MigrationInterface {
  name = 'AddBillRefunds1771000000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE bills ADD COLUMN refunded_at timestamptz, ADD COLUMN gateway_refund_id text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE bills DROP COLUMN refunded_at, DROP COLUMN gateway_refund_id`);
  }
}
