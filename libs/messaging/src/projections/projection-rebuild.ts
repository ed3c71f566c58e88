// Replaying a projection from the beginning of its topics into fresh tables, then swapping the
// result in. The replay runs the projection's own code in a shadow schema (search_path puts the
// copies first), so a replay and the live projection cannot differ by more than their input.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@billing/contracts';
import { Logger, type LoggerService } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { defaultConsumerSettings, type ConsumerSettings } from '../consuming/consumer-settings';
import type { DeliveryTarget } from '../consuming/delivery-target';
import { EventConsumer } from '../consuming/event-consumer';
import { EventProducer } from '../producing/event-producer';
import type { Projection } from './projection';
import { ProjectionDelivery } from './projection-delivery';

export interface ProjectionRebuildOptions<E extends EventEnvelope> {
  readonly projection: Projection<E>;
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** The replay reads in a throwaway group `<groupId>.<projection>.rebuild-<id>`, deleted afterwards. */
  readonly groupId: string;
  readonly settings?: Partial<ConsumerSettings>;
  readonly maxEventsPerTransaction?: number;
  /** Give up when the replay has not reached the end of the log by then (default 10 min). */
  readonly timeoutMs?: number;
  readonly logger?: LoggerService;
}

interface Position {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read. */
  readonly offset: string;
}

export interface RebuildReplay {
  readonly shadowSchema: string;
  /** The end of each partition when the replay started: what the shadow tables reflect at least. */
  readonly replayedUpTo: Position[];
  readonly durationMs: number;
}

const MESSAGING_TABLES = ['projection_checkpoints', 'processed_events'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const key = (position: Position) => `${position.topic}:${position.partition}`;

export class ProjectionRebuild<E extends EventEnvelope> {
  readonly shadowSchema: string;
  private readonly logger: LoggerService;
  private readonly groupId: string;
  private consumer?: EventConsumer<E>;

  constructor(private readonly options: ProjectionRebuildOptions<E>) {
    const id = randomUUID().slice(0, 8);
    const name = options.projection.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);
    this.shadowSchema = `rebuild_${name}_${id}`;
    this.groupId = `${options.groupId}.${options.projection.name}.rebuild-${id}`;
    this.logger = options.logger ?? new Logger('ProjectionRebuild');
  }

  /**
   * Replays every topic of the projection into the shadow tables, up to the end the topics had
   * when it started. The replay keeps following the topics until `swap` or `discard`.
   */
  async replay(): Promise<RebuildReplay> {
    const { projection, kafka, dataSource } = this.options;
    const started = performance.now();
    const shadow = quote(this.shadowSchema);
    await dataSource.transaction(async (manager) => {
      await manager.query(`CREATE SCHEMA ${shadow}`);
      // the copies keep columns, defaults, constraints and indexes of the live tables
      for (const table of this.tables) await manager.query(`CREATE TABLE ${shadow}.${quote(table)} (LIKE ${quote(table)} INCLUDING ALL)`);
    });

    const replayedUpTo = await this.endOffsets();
    const delivery = new ProjectionDelivery(projection, dataSource, {
      schema: this.shadowSchema,
      maxEventsPerTransaction: this.options.maxEventsPerTransaction ?? 5_000,
    });
    const target: DeliveryTarget<E> = {
      maxMessagesPerApply: delivery.maxMessagesPerApply,
      apply: (messages, context) => delivery.apply(messages, context),
      // the live projection dead-lettered these already: move past them without publishing twice
      deadLetter: (position, _publish, context) => delivery.deadLetter(position, async () => undefined, context),
    };
    this.consumer = new EventConsumer<E>(
      {
        name: `${projection.name} (rebuild)`,
        groupId: this.groupId,
        topics: projection.topics,
        fromBeginning: true,
        selection: projection,
        target,
        settings: { ...defaultConsumerSettings, ...this.options.settings },
      },
      { kafka, producer: new EventProducer(kafka), logger: this.logger },
    );
    await this.consumer.start();
    await this.waitForShadow(replayedUpTo);
    const durationMs = performance.now() - started;
    this.logger.log(`${projection.name}: replayed into ${this.shadowSchema} in ${Math.round(durationMs)} ms`);
    return { shadowSchema: this.shadowSchema, replayedUpTo, durationMs };
  }

  /**
   * Replaces the live rows and positions with the shadow ones in one transaction, once the
   * shadow has caught up with the live projection on every partition (the live projection
   * waits on the locks meanwhile, then carries on from the swapped-in positions), and drops
   * the shadow schema.
   */
  async swap(): Promise<void> {
    const { projection, dataSource } = this.options;
    const deadline = performance.now() + (this.options.timeoutMs ?? 600_000);
    for (;;) {
      const behind = await dataSource.transaction((manager) => this.swapWhenCaughtUp(manager));
      if (behind.length === 0) break;
      if (performance.now() > deadline) throw new Error(`${projection.name}: the rebuild did not catch up with the live projection in time`);
      await this.waitForShadow(behind);
    }
    this.logger.log(`${projection.name}: rebuilt rows swapped in`);
    await this.discard();
  }

  /** Stops the replay and drops the shadow schema without touching the live tables. */
  async discard(): Promise<void> {
    await this.consumer?.stop();
    if (this.consumer) await this.deleteGroup();
    this.consumer = undefined;
    await this.options.dataSource.query(`DROP SCHEMA IF EXISTS ${quote(this.shadowSchema)} CASCADE`);
  }

  private get tables(): string[] {
    return [...this.options.projection.readModelTables, ...MESSAGING_TABLES];
  }

  /** Swaps and returns [] when the shadow is at or past the live positions; else where it must get to. */
  private async swapWhenCaughtUp(manager: EntityManager): Promise<Position[]> {
    const { projection } = this.options;
    const shadow = quote(this.shadowSchema);
    const readModel = projection.readModelTables.map(quote);
    // the live projection's own lock order (checkpoint, then tables): no deadlock with it
    await manager.query(`SELECT 1 FROM projection_checkpoints WHERE projection = $1 FOR UPDATE`, [projection.name]);
    if (readModel.length > 0) await manager.query(`LOCK TABLE ${readModel.join(', ')} IN EXCLUSIVE MODE`);
    // holds the replay between two transactions, so tables and positions are copied as one state
    await manager.query(`LOCK TABLE ${shadow}.projection_checkpoints IN EXCLUSIVE MODE`);

    const live = await this.positions(manager, 'projection_checkpoints');
    const replayed = new Map((await this.positions(manager, `${shadow}.projection_checkpoints`)).map((p) => [key(p), BigInt(p.offset)]));
    const behind = live.filter((position) => (replayed.get(key(position)) ?? 0n) < BigInt(position.offset));
    if (behind.length > 0) return behind;

    // DELETE rather than TRUNCATE: readers keep seeing the old rows until the commit
    for (const table of readModel) await manager.query(`DELETE FROM ${table}`);
    for (const table of readModel) {
      await manager.query(`INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM ${shadow}.${table}`);
    }
    await manager.query(`DELETE FROM projection_checkpoints WHERE projection = $1`, [projection.name]);
    await manager.query(`INSERT INTO projection_checkpoints SELECT * FROM ${shadow}.projection_checkpoints WHERE projection = $1`, [
      projection.name,
    ]);
    await manager.query(`DELETE FROM processed_events WHERE consumer = $1`, [projection.name]);
    await manager.query(`INSERT INTO processed_events SELECT * FROM ${shadow}.processed_events WHERE consumer = $1`, [projection.name]);
    return [];
  }

  private async positions(manager: EntityManager, table: string): Promise<Position[]> {
    const rows: { topic: string; partition: number; next_offset: string }[] = await manager.query(
      `SELECT topic, partition, next_offset FROM ${table} WHERE projection = $1`,
      [this.options.projection.name],
    );
    return rows.map((row) => ({ topic: row.topic, partition: row.partition, offset: row.next_offset }));
  }

  private async endOffsets(): Promise<Position[]> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const ends = await Promise.all(
        this.options.projection.topics.map(async (topic) =>
          (await admin.fetchTopicOffsets(topic))
            .filter((offsets) => BigInt(offsets.high) > BigInt(offsets.low))
            .map((offsets) => ({ topic, partition: offsets.partition, offset: offsets.high })),
        ),
      );
      return ends.flat();
    } finally {
      await admin.disconnect();
    }
  }

  /** Until the shadow checkpoints reach the given offsets. */
  private async waitForShadow(targets: Position[]): Promise<void> {
    const deadline = performance.now() + (this.options.timeoutMs ?? 600_000);
    const table = `${quote(this.shadowSchema)}.projection_checkpoints`;
    for (;;) {
      const reached = new Map((await this.positions(this.options.dataSource.manager, table)).map((p) => [key(p), BigInt(p.offset)]));
      if (targets.every((target) => (reached.get(key(target)) ?? -1n) >= BigInt(target.offset))) return;
      if (performance.now() > deadline) throw new Error(`${this.options.projection.name}: the rebuild did not reach the end of its topics in time`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async deleteGroup(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.logger.warn(`could not delete the rebuild's consumer group ${this.groupId}: ${(error as Error).message}`);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Replays the projection into fresh tables and swaps them in. */
export async function rebuildProjection<E extends EventEnvelope>(options: ProjectionRebuildOptions<E>): Promise<RebuildReplay> {
  const rebuild = new ProjectionRebuild(options);
  try {
    const replay = await rebuild.replay();
    await rebuild.swap();
    return replay;
  } catch (error) {
    await rebuild.discard().catch(() => undefined);
    throw error;
  }
}
