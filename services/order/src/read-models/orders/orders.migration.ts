// The orders read model's table, and the index of a customer's orders newest first.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrdersReadModel1770000000000 implements MigrationInterface {
  name = 'CreateOrdersReadModel1770000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE orders (
        order_id            uuid        PRIMARY KEY,
        customer_id         text        NOT NULL,
        subsidiary          text        NOT NULL,
        currency            text        NOT NULL,
        status              text        NOT NULL,
        items               jsonb       NOT NULL,
        total_without_tax   bigint      NOT NULL,
        total_tax           bigint      NOT NULL,
        total_with_tax      bigint      NOT NULL,
        auto_pay            boolean     NOT NULL,
        payment_method_id   text,
        invoice_id          uuid,
        amount_due          bigint,
        not_paid_reason     text,
        payment_id          uuid,
        cancellation_reason text,
        refund_amount       bigint,
        placed_at           timestamptz NOT NULL,
        paid_at             timestamptz,
        delivered_at        timestamptz,
        cancelled_at        timestamptz,
        withdrawn_at        timestamptz,
        updated_at          timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX orders_of_customer_newest_first ON orders (customer_id, placed_at DESC, order_id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE orders`);
  }
}
