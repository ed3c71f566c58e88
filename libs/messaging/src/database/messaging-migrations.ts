// The consumer-side tables every service with projections or reactions needs in its read store.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessagingTables1760000000000 implements MigrationInterface {
  name = 'CreateMessagingTables1760000000000';

  async up(runner: QueryRunner): Promise<void> {
    // one row per projection and partition: the offset of the next message to apply
    await runner.query(`
      CREATE TABLE projection_checkpoints (
        projection  text        NOT NULL,
        topic       text        NOT NULL,
        partition   integer     NOT NULL,
        next_offset bigint      NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, topic, partition)
      )`);
    // event ids a consumer acted on; prunable once older than the topics' retention
    await runner.query(`
      CREATE TABLE processed_events (
        consumer     text        NOT NULL,
        event_id     uuid        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await runner.query(`CREATE INDEX processed_events_processed_at ON processed_events (processed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE processed_events`);
    await runner.query(`DROP TABLE projection_checkpoints`);
  }
}

/** Add to a service's migrations, before the read models' own. */
export const messagingMigrations = [CreateMessagingTables1760000000000];
