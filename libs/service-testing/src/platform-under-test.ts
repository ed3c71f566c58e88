// Runs several services as real processes (their main.ts), each on a fresh database and all on
// one topic prefix, for end-to-end tests and benchmarks: the flow crosses Kafka exactly as in
// production, and a test can SIGKILL and restart any service mid-flow.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { createTestDatabase, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import { memoryLimit, parseMemoryQuantity } from './memory-limit';
import { freePort } from './ports';
import { startServiceProcess, type RunningService } from './service-process';

export type PlatformServiceName = 'order' | 'subscription' | 'renewal' | 'invoicing';

const workspaceRoot = path.resolve(__dirname, '../../..');
const builtRoot = path.join(workspaceRoot, 'dist', 'platform-under-test');

function buildService(name: PlatformServiceName): void {
  const build = spawnSync(process.execPath, [path.join(workspaceRoot, 'tools/build-service.mjs'), name, path.join(builtRoot, name)], { cwd: workspaceRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building ${name} failed (exit ${build.status ?? build.signal}): ${build.stderr}`);
}

interface ServiceUnderTest {
  name: PlatformServiceName;
  port: number;
  database: TestDatabase;
  process?: RunningService;
  log: string[];
  /** How its memory limit applies (`cgroup v1`, `heap flag`…), when it has one. */
  memoryLimit?: string;
}

export interface PlatformOptions {
  services: PlatformServiceName[];
  /** Extra environment for every service (and `env[name]` for one). */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<PlatformServiceName, Record<string, string>>>;
  readyTimeoutMs?: number;
  /** Names the databases (`test_<label>_<service>_…`): `e2e` by default; `chaos` for the chaos run. */
  databaseLabel?: string;
  /**
   * Runs each service as its production image does: built by tools/build-service.mjs (into
   * dist/platform-under-test/) and started with plain node and source maps, rather than from its
   * TypeScript sources through the swc loader. Long runs that measure memory use it: the loader
   * keeps the TypeScript compiler in every process's heap (tens of MB, and a heap snapshot of it
   * takes half a minute).
   */
  built?: boolean;
  /**
   * Each service's memory limit, as its pod's (`1Gi`, `512Mi`): node sizes its heap from it, and
   * a cgroup enforces it where this machine lets one be made (see memory-limit.ts). None by default.
   */
  memoryLimit?: string;
}

export class PlatformUnderTest {
  /** Every topic of this platform is `<topicPrefix>.billing.….v1`. */
  readonly topicPrefix = `e2e${randomUUID().slice(0, 8)}`;
  private readonly services = new Map<PlatformServiceName, ServiceUnderTest>();

  private constructor(private readonly options: PlatformOptions) {}

  static async start(options: PlatformOptions): Promise<PlatformUnderTest> {
    const platform = new PlatformUnderTest(options);
    if (options.built) for (const name of options.services) buildService(name);
    for (const name of options.services) {
      platform.services.set(name, { name, port: await freePort(), database: await createTestDatabase(`${options.databaseLabel ?? 'e2e'}_${name}`), log: [] });
    }
    try {
      await Promise.all(options.services.map((name) => platform.launch(name)));
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** `billing.orders.v1` → the name this platform uses. */
  topic(topic: string): string {
    return `${this.topicPrefix}.${topic}`;
  }

  url(name: PlatformServiceName): string {
    return `http://127.0.0.1:${this.service(name).port}`;
  }

  databaseUrl(name: PlatformServiceName): string {
    return this.service(name).database.url;
  }

  /** What the service wrote to stdout/stderr (for failure messages). */
  logOf(name: PlatformServiceName): string {
    return this.service(name).log.join('');
  }

  /** The service's process id while it runs (to sample its memory, say). */
  pidOf(name: PlatformServiceName): number | undefined {
    return this.service(name).process?.child.pid;
  }

  /** How the service's memory limit applies: `cgroup v1`, `cgroup v2`, `heap flag`; undefined without one. */
  memoryLimitOf(name: PlatformServiceName): string | undefined {
    return this.service(name).memoryLimit;
  }

  /** The database name of the service (to terminate its sessions, say). */
  databaseNameOf(name: PlatformServiceName): string {
    return this.service(name).database.name;
  }

  /** Whether the service's process runs now (false between a kill and its restart). */
  isRunning(name: PlatformServiceName): boolean {
    return this.service(name).process !== undefined;
  }

  /** Starts a service that {@link kill} or {@link shutDown} stopped; waits until it is ready. */
  async start(name: PlatformServiceName): Promise<void> {
    if (this.service(name).process) return;
    await this.launch(name);
  }

  /** SIGKILL: no shutdown hooks, no flushing — a crash. */
  async kill(name: PlatformServiceName): Promise<void> {
    const service = this.service(name);
    if (!service.process) return;
    service.process.child.kill('SIGKILL');
    await service.process.exited;
    service.process = undefined;
  }

  async restart(name: PlatformServiceName): Promise<void> {
    await this.kill(name);
    await this.launch(name);
  }

  /**
   * SIGTERM, as a rolling deploy stops a pod: the service leaves its consumer groups and closes
   * cleanly (SIGKILL if it has not exited after 10 s). {@link start} brings it back.
   */
  async shutDown(name: PlatformServiceName): Promise<void> {
    const service = this.service(name);
    const running = service.process;
    if (!running) return;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
    await running.exited;
    clearTimeout(timer);
    service.process = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.services.values()].map(async (service) => {
        await this.shutDown(service.name);
        await service.database.drop().catch(() => undefined);
      }),
    );
  }

  private service(name: PlatformServiceName): ServiceUnderTest {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not part of this platform`);
    return service;
  }

  private async launch(name: PlatformServiceName): Promise<void> {
    const service = this.service(name);
    const entryPoint = this.options.built ? path.join(builtRoot, name, 'main.js') : path.join(workspaceRoot, `services/${name}/src/main.ts`);
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(service.port),
      DATABASE_URL: service.database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ...this.options.env,
      ...this.options.serviceEnv?.[name],
    };
    // as in the image (docker/Dockerfile), with whatever node options the caller adds
    if (this.options.built) env.NODE_OPTIONS = `--enable-source-maps ${env.NODE_OPTIONS ?? ''}`.trim();
    const limit = this.options.memoryLimit ? memoryLimit(`billing-${this.topicPrefix}-${name}`, parseMemoryQuantity(this.options.memoryLimit)) : undefined;
    if (limit?.nodeOptions) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${limit.nodeOptions}`.trim();
    service.memoryLimit = limit && `${this.options.memoryLimit} (${limit.how})`;
    const running = startServiceProcess(entryPoint, env, limit);
    void running.exited.then(() => limit?.release());
    service.process = running;
    // the latest output only: a long run (chaos, sustained load) must not grow without bound
    const keep = (chunk: unknown) => {
      service.log.push(String(chunk));
      if (service.log.length > 2_000) service.log.splice(0, 1_000);
    };
    running.child.stdout?.on('data', keep);
    running.child.stderr?.on('data', keep);
    const ready = waitUntil(async () => (await fetch(`${this.url(name)}/health/ready`).catch(() => undefined))?.status === 200, {
      timeoutMs: this.options.readyTimeoutMs ?? 60_000,
      intervalMs: 200,
      description: `${name} to be ready`,
    });
    const died = running.exited.then((result) => {
      throw new Error(`${name} exited during boot (${result.signal ?? `code ${result.code}`})`);
    });
    try {
      await Promise.race([ready, died]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${service.log.join('').slice(-2_000)}`);
    } finally {
      died.catch(() => undefined);
    }
  }
}
