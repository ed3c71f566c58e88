// Tracing, in a process of its own (instrumentations patch Node's require, which jest replaces):
// when on, HTTP, express, PostgreSQL and Kafka produce spans, and the span that processes a
// Kafka message is linked to the span that sent it; when off, no OpenTelemetry SDK or
// instrumentation module is even loaded.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startKafkaBroker } from '@billing/testing';
import { tracingEnabled } from '../src/tracing/tracing';

jest.setTimeout(120_000);

const workspaceRoot = path.resolve(__dirname, '../../..');
const fixture = path.join(__dirname, 'tracing/traced-process.fixture.ts');

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: { traceId: string; spanId: string }[];
  scope: string;
}

const SERVER = 1;
const PRODUCER = 3;
const CONSUMER = 4;

async function runFixture(env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', path.join(workspaceRoot, 'tools/register.js'), fixture], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    timeout: 90_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

describe('tracing', () => {
  it('is on only with an OTLP endpoint, and OTEL_SDK_DISABLED wins', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  describe('given tracing is on in a process that loaded its libraries first', () => {
    let spans: ExportedSpan[];

    beforeAll(async () => {
      await startKafkaBroker();
      const result = await runFixture({});
      expect(result.consumed).toBe(true);
      spans = result.spans as ExportedSpan[];
    });

    it('traces an HTTP request into its express route', () => {
      const server = spans.find((span) => span.kind === SERVER && span.name === 'GET /hello/:name');
      expect(server).toBeDefined();
      expect(spans.filter((span) => span.scope.endsWith('instrumentation-express') && span.parentSpanId === server?.spanId)).not.toEqual([]);
    });

    it('traces PostgreSQL queries', () => {
      expect(spans.some((span) => span.scope.endsWith('instrumentation-pg') && span.name.startsWith('pg.query'))).toBe(true);
    });

    it('links the processing of a Kafka message to the span that sent it', () => {
      const sent = spans.find((span) => span.kind === PRODUCER && span.name.startsWith('send '));
      const processed = spans.find((span) => span.kind === CONSUMER && span.name.startsWith('process '));
      expect(sent).toBeDefined();
      expect(processed?.links).toEqual([{ traceId: sent?.traceId, spanId: sent?.spanId }]);
    });
  });

  it('loads no OpenTelemetry SDK or instrumentation when it is off', async () => {
    const result = await runFixture({ TRACED_FIXTURE_MODE: 'off' });
    expect(result.started).toBe(false);
    // the API alone may be there (prom-client asks for it, for exemplars): it is a no-op without the SDK
    expect((result.loaded as string[]).filter((file) => !file.includes('/@opentelemetry/api/'))).toEqual([]);
  });
});
