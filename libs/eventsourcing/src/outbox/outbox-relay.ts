// Publishes the event store to Kafka: tails the global log from a checkpoint kept in the same
// database, maps each event to its messages, sends a batch, then saves the checkpoint. A crash
// between send and save sends the batch again: at-least-once, and consumers deduplicate by id.
import type { Kafka, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Registry } from 'prom-client';
import type { Backlog, EventStore, GlobalCheckpoint, ReadAllBatch } from '../event-store/event-store';
import { poolOf, type PostgresConnection } from '../postgres/postgres-connection';
import { kafkaMessageOf, publishAsStored, type OutboxMessageMapper } from './outbox-messages';
import { OutboxRelayMetrics } from './outbox-relay-metrics';
import { namedStatement, runStatement } from '../postgres/named-statements';
import { loadCheckpointSql, peekCheckpointSql, releaseRelayLockSql, saveCheckpointSql, tryRelayLockSql } from './outbox-sql';

/** Saved after every batch published: prepared (see named-statements). */
const saveCheckpointStatement = namedStatement('outbox_checkpoint_save', saveCheckpointSql);

/** The subset of a pino (or console) logger the relay writes to. */
export interface RelayLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface OutboxRelayOptions {
  /** Names the checkpoint row, the advisory lock and the metrics label: one per published log. */
  name: string;
  store: EventStore;
  /**
   * The database of the checkpoint and the lock: the store's own (a pg Pool or TypeORM
   * DataSource). Defaults to the store's pool when the store is a PostgresEventStore.
   */
  connection?: PostgresConnection;
  kafka: Kafka;
  topic: string;
  /** Which stored events become which messages; default: every event as stored. */
  toMessages?: OutboxMessageMapper;
  /** Events read and published per round (default 1,000; also the most a crash can duplicate). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (default 500 ms). */
  pollIntervalMs?: number;
  /** How often a standby instance tries to take the lock over (default 2 s). */
  standbyRetryMs?: number;
  /** Pause after a failed round before trying again (default 1 s). */
  errorBackoffMs?: number;
  /** NOTIFY channel to wake up on; default the store's `notificationChannel`, if it has one. */
  notificationChannel?: string;
  registry?: Registry;
  logger?: RelayLogger;
}

export interface RelayStatus {
  running: boolean;
  /** This instance holds the lock and publishes. */
  leader: boolean;
  publishedMessages: number;
  publishedEvents: number;
}

/**
 * Quick re-reads while committed events are hidden from the gap-safe read by an older transaction
 * still running (a projection's, a claim's: they send no NOTIFY when they end): every 10 ms for a
 * quarter of a second, which is how long such transactions usually take, then doubling, about
 * 1.9 s in all before the relay falls back to its poll.
 */
const HIDDEN_APPEND_RETRIES = 32;
const hiddenRetryDelayMs = (round: number, pollIntervalMs: number) => Math.min(pollIntervalMs, round < 25 ? 10 : 10 * 2 ** (round - 24));

const consoleLogger: RelayLogger = {
  info: () => undefined,
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

export class OutboxRelay {
  readonly name: string;
  private readonly options: Required<Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'standbyRetryMs' | 'errorBackoffMs'>>;
  private readonly store: EventStore;
  private readonly pool: Pool;
  private readonly topic: string;
  private readonly toMessages: OutboxMessageMapper;
  private readonly channel?: string;
  private readonly logger: RelayLogger;
  private readonly metrics?: OutboxRelayMetrics;
  private readonly producer: Producer;

  private running?: Promise<void>;
  private stopping = false;
  private isLeader = false;
  private published = { messages: 0, events: 0 };
  private wakeUp?: () => void;
  private wokenEarly = false;

  constructor(options: OutboxRelayOptions) {
    this.name = options.name;
    this.store = options.store;
    const connection = options.connection ?? (options.store as { pool?: Pool }).pool;
    if (!connection) throw new Error(`outbox relay ${options.name}: give it the connection of the store's database`);
    this.pool = poolOf(connection);
    this.topic = options.topic;
    this.toMessages = options.toMessages ?? publishAsStored;
    this.channel = options.notificationChannel ?? (options.store as { notificationChannel?: string }).notificationChannel;
    this.logger = options.logger ?? consoleLogger;
    this.options = {
      batchSize: options.batchSize ?? 1_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      standbyRetryMs: options.standbyRetryMs ?? 2_000,
      errorBackoffMs: options.errorBackoffMs ?? 1_000,
    };
    // Idempotent producer: the broker drops the duplicates of its own retries. kafkajs numbers a
    // partition's batches when it builds a request, so one request in flight keeps them in order
    // (the relay sends one batch at a time anyway).
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    if (options.registry) {
      this.metrics = OutboxRelayMetrics.on(options.registry);
      this.metrics.register(this);
    }
  }

  /** Connects the producer and starts publishing, or standing by while another instance does. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    await this.producer.connect();
    this.running = this.run();
  }

  /** Lets the batch in flight finish (sent and checkpointed), then releases the lock. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    await this.running;
    this.running = undefined;
    await this.producer.disconnect();
  }

  status(): RelayStatus {
    return { running: !!this.running, leader: this.isLeader, publishedMessages: this.published.messages, publishedEvents: this.published.events };
  }

  /** What is stored and not yet published, from the saved checkpoint (any instance can tell). */
  async lag(): Promise<Backlog | undefined> {
    if (!this.store.backlogAfter) return undefined;
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(peekCheckpointSql, [this.name]);
    const checkpoint = rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : { transactionId: '0', globalPosition: '0' };
    return this.store.backlogAfter(checkpoint);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.leadIfElected();
      } catch (error) {
        this.logger.error({ relay: this.name, err: error }, 'outbox relay round failed; retrying');
        await this.pause(this.options.errorBackoffMs);
      }
    }
  }

  /**
   * Takes the relay's session-level advisory lock on a dedicated connection and publishes for as
   * long as it holds it; without the lock, waits and returns so that the caller tries again. The
   * lock lives as long as the connection: when the process dies, PostgreSQL releases it.
   */
  private async leadIfElected(): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
      this.wake();
    };
    client.on('error', onError);
    let leading = false;
    try {
      const { rows } = await client.query<{ acquired: boolean }>(tryRelayLockSql, [this.name]);
      leading = rows[0].acquired;
      if (leading) await this.lead(client, () => broken !== undefined);
    } finally {
      if (leading && !broken) {
        await client.query('UNLISTEN *').catch(() => undefined);
        await client.query(releaseRelayLockSql, [this.name]).catch(() => undefined);
      }
      client.removeListener('error', onError);
      // a broken connection is destroyed, not pooled
      client.release(broken);
    }
    if (broken) throw broken;
    if (!leading) await this.pause(this.options.standbyRetryMs);
  }

  private async lead(client: PoolClient, connectionBroken: () => boolean): Promise<void> {
    let appendNotified = false;
    let readAhead: Promise<ReadAllBatch> | undefined;
    const onNotification = () => {
      appendNotified = true;
      this.wake();
    };
    this.setLeader(true);
    this.logger.info({ relay: this.name }, 'outbox relay took the lead');
    try {
      if (this.channel) {
        client.on('notification', onNotification);
        await client.query(`LISTEN ${this.channel}`);
      }
      let checkpoint = await this.loadCheckpoint(client);
      let hiddenRounds = 0;
      while (!this.stopping && !connectionBroken()) {
        const notified = appendNotified;
        appendNotified = false;
        const batch = await (readAhead ?? this.store.readAll({ after: checkpoint, limit: this.options.batchSize }));
        readAhead = undefined;
        const full = batch.events.length === this.options.batchSize;
        if (full && !this.stopping) {
          // catching up: read the next batch while this one is on its way to Kafka
          readAhead = this.store.readAll({ after: batch.checkpoint, limit: this.options.batchSize });
          readAhead.catch(() => undefined);
        }
        await this.publish(client, batch);
        checkpoint = batch.checkpoint;
        if (full) continue;
        if (hiddenRounds < HIDDEN_APPEND_RETRIES && (await this.hiddenAfter(checkpoint, batch, notified || hiddenRounds > 0))) {
          // An append committed, but a transaction older than it (of this database) still hides it
          // from the gap-safe read: look again shortly rather than at the next poll.
          await this.pause(hiddenRetryDelayMs(hiddenRounds++, this.options.pollIntervalMs));
        } else {
          hiddenRounds = 0;
          await this.pause(this.options.pollIntervalMs);
        }
      }
    } finally {
      await readAhead?.catch(() => undefined);
      this.setLeader(false);
      client.removeListener('notification', onNotification);
    }
  }

  /**
   * Whether events are stored after the checkpoint that the read did not return (committed, but
   * behind an older transaction still running), whether or not a NOTIFY announced them. A store
   * that cannot tell answers by the batch: an empty read after a NOTIFY, or while the rereads it
   * started go on.
   */
  private async hiddenAfter(checkpoint: GlobalCheckpoint, batch: ReadAllBatch, notified: boolean): Promise<boolean> {
    if (this.store.storedAfter) return this.store.storedAfter(checkpoint);
    return notified && batch.events.length === 0;
  }

  /** Sends the batch's messages in one request, then saves the checkpoint past the batch. */
  private async publish(client: PoolClient, batch: ReadAllBatch): Promise<void> {
    if (batch.events.length === 0) return;
    const messages = batch.events.flatMap((event) => this.toMessages(event)).map(kafkaMessageOf);
    if (messages.length > 0) await this.producer.send({ topic: this.topic, acks: -1, messages });
    await runStatement(client, saveCheckpointStatement, [this.name, batch.checkpoint.transactionId, batch.checkpoint.globalPosition]);
    this.published.messages += messages.length;
    this.published.events += batch.events.length;
    this.metrics?.published.inc({ relay: this.name }, messages.length);
  }

  private async loadCheckpoint(client: PoolClient): Promise<GlobalCheckpoint> {
    const { rows } = await client.query<{ transaction_id: string; global_position: string }>(loadCheckpointSql, [this.name]);
    return { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position };
  }

  private setLeader(leader: boolean): void {
    this.isLeader = leader;
    this.metrics?.leader.set({ relay: this.name }, leader ? 1 : 0);
  }

  /** Waits for the interval, a NOTIFY, or stop(), whichever comes first. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.wokenEarly) {
      // a wake-up arrived while the last batch was in flight: read again straight away
      this.wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenEarly = true;
  }
}
