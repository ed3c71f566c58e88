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

/**
 * processed_events' age as a block-range index: rows arrive in processed_at order, so a summary
 * per range of pages finds the old ones for pruning as well as a B-tree did, and it costs an insert
 * nothing but a range's bounds now and then, where the B-tree took an entry per processed event.
 */
export class IndexProcessedEventsAgeByBlockRange1760000000002 implements MigrationInterface {
  name = 'IndexProcessedEventsAgeByBlockRange1760000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX processed_events_processed_at`);
    // autosummarize: a range is summarized once filled, not only when VACUUM comes by
    await runner.query(`CREATE INDEX processed_events_processed_at ON processed_events USING brin (processed_at) WITH (autosummarize = on)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX processed_events_processed_at`);
    await runner.query(`CREATE INDEX processed_events_processed_at ON processed_events (processed_at)`);
  }
}

/** Add to a service's migrations, before the read models' own. */
export const messagingMigrations = [CreateMessagingTables1760000000000, IndexProcessedEventsAgeByBlockRange1760000000002];
