// TypeORM migrations of the event store schema: a service puts `eventStoreMigrations` first in
// its own migration list, and its migrations table (typeorm_migrations) records them.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxCheckpointsSql, dropOutboxCheckpointsSql } from '../outbox/outbox-sql';
import { createEventStoreSql, createSnapshotsSql, dropEventStoreSql, dropSnapshotsSql, keyEventsByGlobalOrderSql, unkeyEventsByGlobalOrderSql } from './event-store-sql';

async function run(runner: QueryRunner, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await runner.query(statement);
}

// Timestamps from 2023 so that they sort before any service's own migrations.
export class CreateEventStore1700000000000 implements MigrationInterface {
  name = 'CreateEventStore1700000000000';
  up = (runner: QueryRunner) => run(runner, createEventStoreSql);
  down = (runner: QueryRunner) => run(runner, dropEventStoreSql);
}

export class CreateOutboxCheckpoints1700000000001 implements MigrationInterface {
  name = 'CreateOutboxCheckpoints1700000000001';
  up = (runner: QueryRunner) => run(runner, createOutboxCheckpointsSql);
  down = (runner: QueryRunner) => run(runner, dropOutboxCheckpointsSql);
}

export class CreateSnapshots1700000000002 implements MigrationInterface {
  name = 'CreateSnapshots1700000000002';
  up = (runner: QueryRunner) => run(runner, createSnapshotsSql);
  down = (runner: QueryRunner) => run(runner, dropSnapshotsSql);
}

export class KeyEventsByGlobalOrder1700000000003 implements MigrationInterface {
  name = 'KeyEventsByGlobalOrder1700000000003';
  up = (runner: QueryRunner) => run(runner, keyEventsByGlobalOrderSql);
  down = (runner: QueryRunner) => run(runner, unkeyEventsByGlobalOrderSql);
}

export const eventStoreMigrations = [CreateEventStore1700000000000, CreateOutboxCheckpoints1700000000001, CreateSnapshots1700000000002, KeyEventsByGlobalOrder1700000000003];
