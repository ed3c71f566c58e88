// The sandbox payment gateway's own table. It stands for an external system: it lives in its own
// schema, is written outside the service's transactions, and survives restarts like a real one.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSandboxPaymentGateway1771000000001 implements MigrationInterface {
  name = 'CreateSandboxPaymentGateway1771000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS payment_gateway_sandbox`);
    await runner.query(`
      CREATE TABLE payment_gateway_sandbox.charges (
        idempotency_key text        PRIMARY KEY,
        charge_id       uuid        NOT NULL UNIQUE,
        payment_token   text        NOT NULL,
        currency        text        NOT NULL,
        amount          bigint      NOT NULL,
        status          text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
        failure_reason  text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SCHEMA payment_gateway_sandbox CASCADE`);
  }
}

/** The sandbox gateway's refunds: at most one per idempotency key, never beyond the charge. */
export class AddSandboxGatewayRefunds1771000000003 implements MigrationInterface {
  name = 'AddSandboxGatewayRefunds1771000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment_gateway_sandbox.refunds (
        idempotency_key text        PRIMARY KEY,
        refund_id       text        NOT NULL UNIQUE,
        charge_id       text        NOT NULL,
        currency        text        NOT NULL,
        amount          bigint      NOT NULL,
        status          text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
        failure_reason  text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX refunds_of_charge ON payment_gateway_sandbox.refunds (charge_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment_gateway_sandbox.refunds`);
  }
}

/** The keys whose first request the sandbox dropped on its way in (token `tok_lost_request`). */
export class AddSandboxLostRequests1771000000007 implements MigrationInterface {
  name = 'AddSandboxLostRequests1771000000007';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment_gateway_sandbox.lost_requests (
        idempotency_key text        PRIMARY KEY,
        lost_at         timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment_gateway_sandbox.lost_requests`);
  }
}
