import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAutorenewSettings1780000000001 implements MigrationInterface {
  name = 'CreateAutorenewSettings1780000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE autorenew_settings (
        customer_id text        PRIMARY KEY,
        active      boolean     NOT NULL,
        renew_day   integer     NOT NULL,
        changed_at  timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE autorenew_settings`);
  }
}
