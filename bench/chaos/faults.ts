// The faults of the chaos run, each recorded with its time and effect: a service SIGKILLed at a
// random point and restarted, the broker stopped and restarted, a service's PostgreSQL sessions
// terminated under it, real events produced again (duplicates), and messages no consumer can
// read (garbage, unknown types, wrong schemas) on every topic.
import { randomUUID } from 'node:crypto';
import type { PlatformServiceName, PlatformUnderTest } from '@billing/service-testing';
import { testDatabaseUrl, type PrivateBroker } from '@billing/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import type { TopicRecorder } from './topic-recorder';

export type FaultKind = 'kill' | 'broker-restart' | 'pg-terminate' | 'duplicates' | 'malformed';

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  at: string;
  /** How long the target was down (kill, broker), or how many sessions/messages it touched. */
  downMs?: number;
  count?: number;
  detail?: string;
}

/** Marks what the run injected, so that its own view of the topics leaves it out. */
export const POISON_HEADER = 'chaos-poison';

/** A message injected that no consumer can handle: each must reach its topic's dead letters. */
export interface InjectedPoison {
  topic: string;
  key: string;
  partition: number;
  offset: string;
  kind: 'malformed-json' | 'invalid-envelope' | 'unknown-event-type' | 'schema-violation' | 'empty';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

export class FaultInjector {
  readonly faults: FaultRecord[] = [];
  readonly poison: InjectedPoison[] = [];
  duplicatesInjected = 0;
  /** Service processes that exited without being killed here: crashes. */
  readonly crashes: { service: PlatformServiceName; at: string }[] = [];
  /** Boots that failed and were retried (expected while the broker is down). */
  readonly bootFailures: { service: PlatformServiceName; at: string; error: string }[] = [];
  private producer?: Producer;
  private readonly busy = new Set<PlatformServiceName>();

  constructor(
    private readonly platform: PlatformUnderTest,
    private readonly broker: PrivateBroker,
    private readonly recorder: TopicRecorder,
    private readonly services: PlatformServiceName[],
  ) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'chaos-injector', brokers: [this.broker.brokers], logLevel: logLevel.NOTHING, retry: { retries: 30, maxRetryTime: 5_000 } });
    // a plain producer: duplicates are the point
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** SIGKILL (no shutdown hook runs), down for a moment, then a normal start. */
  async killAndRestart(service: PlatformServiceName): Promise<void> {
    this.busy.add(service);
    try {
      const at = new Date();
      await this.platform.kill(service);
      await sleep(randomBetween(200, 3_000));
      await this.startUntilUp(service);
      this.faults.push({ kind: 'kill', target: service, at: at.toISOString(), downMs: Date.now() - at.getTime() });
    } finally {
      this.busy.delete(service);
    }
  }

  /** Controlled broker shutdown, a pause, and a start on the same data. */
  async restartBroker(): Promise<void> {
    const at = new Date();
    await this.broker.stop();
    await sleep(randomBetween(3_000, 10_000));
    await this.broker.start();
    this.faults.push({ kind: 'broker-restart', target: this.broker.brokers, at: at.toISOString(), downMs: Date.now() - at.getTime() });
  }

  /** pg_terminate_backend on every session of the service's database. */
  async terminateSessions(service: PlatformServiceName): Promise<void> {
    const client = new Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const at = new Date().toISOString();
      const { rows } = await client.query<{ terminated: boolean }>(
        'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.platform.databaseNameOf(service)],
      );
      this.faults.push({ kind: 'pg-terminate', target: service, at, count: rows.filter((row) => row.terminated).length });
    } finally {
      await client.end();
    }
  }

  /** Real messages of each topic produced again, byte for byte (key, value, headers). */
  async injectDuplicates(perTopic: number): Promise<void> {
    const at = new Date().toISOString();
    let count = 0;
    for (const topic of this.recorder.topics) {
      const samples = this.recorder.samplesOf(topic);
      if (samples.length === 0) continue;
      const picked = Array.from({ length: perTopic }, () => samples[Math.floor(Math.random() * samples.length)]);
      await this.producer?.send({ topic, acks: -1, messages: picked.map((message) => ({ key: message.key, value: message.value, headers: message.headers })) });
      count += picked.length;
    }
    this.duplicatesInjected += count;
    this.faults.push({ kind: 'duplicates', target: 'all topics', at, count });
  }

  /** Per topic: garbage, an empty value, a non-envelope, an unknown type and a known type with a wrong schema. */
  async injectMalformed(): Promise<void> {
    const at = new Date().toISOString();
    let count = 0;
    for (const topic of this.recorder.topics) {
      const real = this.recorder.samplesOf(topic);
      const sample = real.length > 0 ? (JSON.parse(String(real[Math.floor(Math.random() * real.length)].value)) as Record<string, unknown>) : undefined;
      const key = sample ? String((sample.metadata as { partitionKey?: string }).partitionKey ?? 'chaos') : 'chaos';
      const metadata = { correlationId: randomUUID(), occurredAt: new Date().toISOString(), partitionKey: key };
      const bad: { kind: InjectedPoison['kind']; value: string }[] = [
        { kind: 'malformed-json', value: `{"eventId": "${randomUUID()}", "type": "Order` },
        { kind: 'empty', value: '' },
        { kind: 'invalid-envelope', value: JSON.stringify({ hello: 'chaos', at }) },
        { kind: 'unknown-event-type', value: JSON.stringify({ eventId: randomUUID(), type: 'ChaosMonkeyArrived', schemaVersion: 1, data: {}, metadata }) },
      ];
      if (sample) {
        // a type the topic carries, with data of the wrong shape
        bad.push({ kind: 'schema-violation', value: JSON.stringify({ ...sample, eventId: randomUUID(), data: { chaos: true }, metadata }) });
      }
      for (const message of bad) {
        const [written] = (await this.producer?.send({ topic, acks: -1, messages: [{ key, value: message.kind === 'empty' ? null : message.value, headers: { [POISON_HEADER]: message.kind } }] })) ?? [];
        if (written?.baseOffset !== undefined) this.poison.push({ topic, key, partition: written.partition, offset: written.baseOffset, kind: message.kind === 'empty' ? 'malformed-json' : message.kind });
        count++;
      }
    }
    this.faults.push({ kind: 'malformed', target: 'all topics', at, count });
  }

  /**
   * `rounds` rounds of every fault in random order, each after a random pause; a round left when
   * the workload is done runs without pauses. A watchdog meanwhile restarts a service that died
   * on its own (a crash: reported).
   */
  async run(options: { rounds: number; gapMs: [number, number]; workloadDone: () => boolean; log: (line: string) => void }): Promise<void> {
    const watchdog = setInterval(() => void this.restartCrashed(options.log), 2_000);
    try {
      for (let round = 1; round <= options.rounds; round++) {
        const deck: (() => Promise<void>)[] = [
          ...this.services.map((service) => () => this.killAndRestart(service)),
          () => this.restartBroker(),
          ...this.services.map((service) => () => this.terminateSessions(service)),
          () => this.injectDuplicates(25),
          () => this.injectMalformed(),
        ];
        for (let index = deck.length - 1; index > 0; index--) {
          const other = Math.floor(Math.random() * (index + 1));
          [deck[index], deck[other]] = [deck[other], deck[index]];
        }
        for (const fault of deck) {
          if (!options.workloadDone()) await sleep(randomBetween(...options.gapMs));
          const before = this.faults.length;
          try {
            await fault();
          } catch (error) {
            options.log(`a fault could not be injected: ${(error as Error).message}`);
          }
          const done = this.faults[before];
          if (done) options.log(`fault ${done.kind} ${done.target}${done.downMs ? ` (down ${done.downMs} ms)` : ''}${done.count !== undefined ? ` (${done.count})` : ''}`);
        }
      }
      // the watchdog stays until every service runs again
      while (this.busy.size > 0) await sleep(500);
    } finally {
      clearInterval(watchdog);
    }
  }

  /**
   * Starts the service again and again until it is ready, as a supervisor would: a service fails
   * its boot on purpose when the broker does not answer (the broker may be the fault in hand).
   */
  private async startUntilUp(service: PlatformServiceName): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.platform.start(service);
        return;
      } catch (error) {
        this.bootFailures.push({ service, at: new Date().toISOString(), error: (error as Error).message.split('\n')[0] });
        await this.platform.kill(service);
        if (attempt >= 20) throw error;
        await sleep(2_000);
      }
    }
  }

  private async restartCrashed(log: (line: string) => void): Promise<void> {
    for (const service of this.services) {
      if (this.busy.has(service)) continue;
      const pid = this.platform.pidOf(service);
      if (pid === undefined || processAlive(pid)) continue;
      this.busy.add(service);
      this.crashes.push({ service, at: new Date().toISOString() });
      log(`CRASH: ${service} (pid ${pid}) exited on its own; restarting it\n${this.platform.logOf(service).slice(-2_000)}`);
      try {
        await this.platform.kill(service);
        await this.startUntilUp(service);
      } catch (error) {
        log(`${service} does not start again: ${(error as Error).message}`);
      } finally {
        this.busy.delete(service);
      }
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
