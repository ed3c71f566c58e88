// What the chaos and sustained runs share: their own broker (never the shared one), the four
// services as processes on databases of their own, the shared test clock, a recorder of every
// topic, and "drained": no consumer lag, no unpublished event, nothing new produced.
import * as path from 'node:path';
import { PlatformUnderTest, type PlatformServiceName } from '@billing/service-testing';
import { kafkaScriptsCache, PrivateBroker } from '@billing/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { lagPerGroup, moneyInFlight, outboxPending, producedSoFar, type GroupLag } from './consumer-lag';
import { TopicRecorder } from './topic-recorder';
import { Workload } from './workload';

export const platformServices: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];

export interface DrainState {
  lag: GroupLag;
  totalLag: number;
  outboxPending: number;
  /** payment attempts and refunds waiting for their outcome (the reconciler's) */
  moneyInFlight: number;
  produced: bigint;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Longest one drain or recorder sample may take before it counts as failed (and the admin is replaced). */
const SAMPLE_TIMEOUT_MS = 30_000;

async function withinMs<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export class Harness {
  private adminClient?: Admin;

  private constructor(
    readonly broker: PrivateBroker,
    readonly platform: PlatformUnderTest,
    readonly recorder: TopicRecorder,
    readonly workload: Workload,
  ) {}

  /**
   * Starts a clean private broker (CHAOS_KAFKA_PORT, default 19092), then the four services, each
   * under `memoryLimit` when given (as in its pod: see PlatformOptions.memoryLimit).
   */
  static async start(label: string, extraEnv: Partial<Record<PlatformServiceName, Record<string, string>>> = {}, memoryLimit?: string): Promise<Harness> {
    const port = Number(process.env.CHAOS_KAFKA_PORT ?? 19_092);
    const broker = new PrivateBroker({
      port,
      controllerPort: port + 1,
      stateDir: path.join(kafkaScriptsCache, `${label}-broker-${port}`),
    });
    log(`starting a private Kafka broker on ${broker.brokers} (the shared broker is left alone)…`);
    await broker.start(true);
    // every client of this process and of the services it starts uses that broker
    process.env.KAFKA_BROKERS = broker.brokers;
    log('starting order, subscription, renewal and invoicing as processes…');
    // a platform that fails to boot leaves no broker behind either
    const platform = await PlatformUnderTest.start({
      services: platformServices,
      databaseLabel: label,
      readyTimeoutMs: 240_000,
      // the services as their image runs them: what this run measures (memory above all) is theirs
      built: true,
      memoryLimit,
      serviceEnv: {
        order: { ...extraEnv.order },
        renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200', ...extraEnv.renewal },
        subscription: { TERMINATION_SCHEDULER_INTERVAL_MS: '200', ...extraEnv.subscription },
        // a payment cut short by a kill is settled soon, and a killed member leaves its group soon
        // an attempt cut short by a fault is settled 10 s later, not after the production minute
        invoicing: { PAYMENT_RECONCILIATION_INTERVAL_MS: '2000', PAYMENT_OUTCOME_TIMEOUT_MS: '10000', KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '10000', ...extraEnv.invoicing },
      },
    }).catch(async (error: unknown) => {
      await broker.stop().catch(() => undefined);
      throw error;
    });
    const recorder = new TopicRecorder([broker.brokers], (topic) => platform.topic(topic));
    await recorder.start();
    const harness = new Harness(broker, platform, recorder, new Workload(platform));
    // Ctrl-C or a kill of the run leaves no service, database or broker behind
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping the services and the private broker…`);
        void harness.stop().finally(() => process.exit(130));
      });
    }
    return harness;
  }

  /** An admin client that survives broker restarts (a new one after any failure). */
  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = new Kafka({ clientId: 'chaos-admin', brokers: [this.broker.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  private async resetAdmin(): Promise<void> {
    const admin = this.adminClient;
    this.adminClient = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  /** Lag per consumer group of the platform (the test clock's per-process groups left out). */
  async drainState(): Promise<DrainState> {
    try {
      // an admin request can hang for good across a broker restart: a sample that takes too long fails
      return await withinMs(SAMPLE_TIMEOUT_MS, 'a drain sample', async () => {
        const admin = await this.admin();
        const lag = await lagPerGroup(admin, `${this.platform.topicPrefix}.`, (topic) => topic.includes('test-clock'));
        const pending = await Promise.all(platformServices.map((name) => outboxPending(this.platform.databaseUrl(name))));
        const produced = await producedSoFar(admin, this.recorder.topics);
        const inFlight = platformServices.includes('invoicing') ? await moneyInFlight(this.platform.databaseUrl('invoicing')) : 0;
        return {
          lag,
          totalLag: Object.values(lag).reduce((sum, value) => sum + value, 0),
          outboxPending: pending.reduce((a, b) => a + b, 0),
          moneyInFlight: inFlight,
          produced,
        };
      });
    } catch (error) {
      await this.resetAdmin();
      throw error;
    }
  }

  /** Waits until every group's lag and every outbox are at zero and nothing new is produced, 3 samples in a row. */
  async drain(description: string, timeoutMs = 1_800_000): Promise<number> {
    const started = Date.now();
    let stable = 0;
    let last: DrainState | undefined;
    let lastLogged = 0;
    while (stable < 3) {
      if (Date.now() - started > timeoutMs) throw new Error(`not drained after ${timeoutMs} ms (${description}): ${JSON.stringify(last?.lag)} outbox ${last?.outboxPending}`);
      await sleep(3_000);
      let state: DrainState;
      try {
        state = await this.drainState();
      } catch {
        stable = 0;
        continue;
      }
      const quiet = state.totalLag === 0 && state.outboxPending === 0 && state.moneyInFlight === 0 && last !== undefined && state.produced === last.produced;
      stable = quiet ? stable + 1 : 0;
      last = state;
      if (Date.now() - lastLogged > 30_000) {
        lastLogged = Date.now();
        log(`  draining ${description}: lag ${state.totalLag}, outbox ${state.outboxPending}, payments in flight ${state.moneyInFlight}`);
      }
    }
    await this.waitForRecorder();
    return Date.now() - started;
  }

  /** Until the recorder has read every topic (and dead-letter topic) to its end. */
  async waitForRecorder(timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const behind = await withinMs(SAMPLE_TIMEOUT_MS, 'the recorder sample', async () => {
          const admin = await this.admin();
          let late = 0n;
          for (const topic of [...this.recorder.topics, ...this.recorder.deadLetterTopics]) {
            for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
              const read = this.recorder.readUpTo(topic, partition);
              if (BigInt(high) > read) late += BigInt(high) - read;
            }
          }
          return late;
        });
        if (behind === 0n) return;
      } catch {
        await this.resetAdmin();
      }
      if (Date.now() > deadline) throw new Error('the topic recorder did not catch up');
      await sleep(1_000);
    }
  }

  async stop(): Promise<void> {
    await this.recorder.stop();
    await this.resetAdmin();
    await this.platform.stop();
    await this.broker.stop().catch(() => undefined);
  }
}
