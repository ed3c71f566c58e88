// The operational contract every service keeps, as one suite each service runs against the
// real broker and database: ready when both answer, 503 naming Kafka when its broker stops (a
// broker of the test's own: the shared one never stops under another test), metrics and OpenAPI
// served, bad configuration refused in one line, SIGTERM honoured and a diagnostic signal not
// taken for one.
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp, loadConfig, type ServiceConfig, type ServiceDefinition } from '@billing/platform';
import type { z } from 'zod';
import { createTestDatabase, kafkaScriptsCache, PrivateBroker, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import { freePort } from './ports';
import { runServiceProcess, startServiceProcess } from './service-process';

interface HealthReport {
  status: string;
  info: Record<string, { status: string; message?: string }>;
  error: Record<string, { status: string; message?: string }>;
}

interface OpenApiDocument {
  info: { title: string };
  paths: Record<string, unknown>;
}

export interface ServiceHealthSuiteOptions {
  /** Absolute path of the service's main.ts. */
  entryPoint: string;
}

export function serviceHealthSuite<S extends z.ZodType<ServiceConfig>>(
  service: ServiceDefinition<S>,
  { entryPoint }: ServiceHealthSuiteOptions,
): void {
  describe(`${service.name} service operations`, () => {
    let database: TestDatabase;
    let app: INestApplication;
    let baseUrl: string;
    const signals = ['SIGTERM', 'SIGINT', 'SIGUSR2', 'SIGUSR1', 'SIGHUP', 'SIGQUIT'] as const;
    const listenersAdded: Partial<Record<(typeof signals)[number], number>> = {};
    const get = (route: string) => fetch(`${baseUrl}${route}`);

    beforeAll(async () => {
      database = await createTestDatabase(`${service.name}_health`);
      const config = loadConfig(service.configSchema, {
        DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        LOG_LEVEL: 'warn',
      });
      const before = signals.map((signal) => process.listenerCount(signal));
      app = await createServiceApp(service, config);
      signals.forEach((signal, index) => (listenersAdded[signal] = process.listenerCount(signal) - before[index]));
      await app.listen(0, '127.0.0.1');
      baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('is live and ready when its database and Kafka answer', async () => {
      expect((await get('/health/live')).status).toBe(200);
      const ready = await get('/health/ready');
      const body = (await ready.json()) as HealthReport;
      expect(ready.status).toBe(200);
      expect(body.info).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
    });

    it('shuts down on SIGTERM and SIGINT only, not on the signals diagnostics use', () => {
      // Nest's default is every signal: a `kill -USR2` meant for node's --heapsnapshot-signal or
      // --report-on-signal stopped the service (seen in a sustained run that took heap snapshots)
      expect(listenersAdded).toEqual({ SIGTERM: 1, SIGINT: 1, SIGUSR2: 0, SIGUSR1: 0, SIGHUP: 0, SIGQUIT: 0 });
    });

    it('serves Prometheus metrics and its OpenAPI document', async () => {
      const metrics = await (await get('/metrics')).text();
      expect(metrics).toContain(`process_cpu_seconds_total{service="${service.name}"}`);
      const openApi = (await (await get('/docs-json')).json()) as OpenApiDocument;
      expect(openApi.info.title).toBe(`${service.name} service`);
      expect(Object.keys(openApi.paths)).toContain('/health/ready');
    });

    it('answers 503 naming Kafka while its broker is stopped, and is ready again once the broker is back', async () => {
      const port = await freePort();
      const stateDir = path.join(kafkaScriptsCache, `health-${service.name}-${port}`);
      const broker = new PrivateBroker({ port, controllerPort: await freePort(), stateDir });
      const ownDatabase = await createTestDatabase(`${service.name}_health_outage`);
      let own: INestApplication | undefined;
      try {
        await broker.start(true);
        own = await createServiceApp(service, loadConfig(service.configSchema, { DATABASE_URL: ownDatabase.url, KAFKA_BROKERS: broker.brokers, LOG_LEVEL: 'error' }));
        await own.listen(0, '127.0.0.1');
        const ownUrl = (await own.getUrl()).replace('[::1]', '127.0.0.1');
        const ready = () => fetch(`${ownUrl}/health/ready`);
        await waitUntil(async () => (await ready()).status === 200, { timeoutMs: 30_000, description: `${service.name} ready on its own broker` });

        await broker.stop();
        const answer = await ready();
        const body = (await answer.json()) as HealthReport;
        expect(answer.status).toBe(503);
        expect(body.error.kafka).toMatchObject({ status: 'down' });
        expect(body.error.kafka.message).toMatch(/Kafka unreachable/);
        expect(body.info.database).toMatchObject({ status: 'up' });

        await broker.start();
        await waitUntil(async () => (await ready()).status === 200, { timeoutMs: 30_000, description: 'readiness after the broker restarted' });
      } finally {
        await own?.close();
        await broker.stop().catch(() => undefined);
        await ownDatabase.drop();
        await rm(stateDir, { recursive: true, force: true });
      }
    }, 180_000);

    describe('refuses bad configuration in one line', () => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['a broker list that is not host:port', { KAFKA_BROKERS: 'nonsense' }, /^KAFKA_BROKERS: .*host:port.*"nonsense"/],
        ['a port that is not a number', { PORT: 'eighty' }, /^PORT: expected a port number.*"eighty"/],
        ['an unreachable database', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }, /^DATABASE_URL: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere/],
      ];
      it.each(cases)('%s', async (_label, env, expected) => {
        const result = await runServiceProcess(entryPoint, { PORT: String(await freePort()), ...env }, 30_000);
        expect(result.code).toBe(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0].replace(`${service.name}: `, '').replace('invalid configuration: ', '')).toMatch(expected);
      });
    });

    it('stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      const running = startServiceProcess(entryPoint, {
        PORT: String(port),
        DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
      });
      try {
        // a boot on a broker that has just started (a fresh CI run) waits for its coordinators and leaders
        await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, {
          timeoutMs: 90_000,
          intervalMs: 250,
          description: `${service.name} to listen on ${port}`,
        }).catch((error: Error) => {
          throw new Error(`${error.message}\n${running.output().stderr.slice(-2_000)}`);
        });
        running.child.kill('SIGTERM');
        const result = await running.exited;
        expect(result.code === 0 || result.signal === 'SIGTERM').toBe(true);
        expect(result.stderr).not.toMatch(/Error/);
      } finally {
        running.child.kill('SIGKILL');
      }
    }, 120_000);
  });
}
