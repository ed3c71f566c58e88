// OpenTelemetry tracing across HTTP (and the express routes Nest serves), PostgreSQL and Kafka,
// off unless configured: with no OTLP endpoint (or OTEL_SDK_DISABLED=true) not one OpenTelemetry
// module is loaded. The SDK reads the standard OTEL_* variables (endpoint, headers, sampler,
// resource attributes). Trace context crosses Kafka in the message headers (W3C traceparent):
// the kafkajs instrumentation writes it on send and links each processed message to it.
//
// Instrumentations patch modules as they are required, and a service's entry point has already
// required kafkajs, pg and express (through its imports) when it starts tracing: requiring them
// once more after the SDK starts lets the instrumentations patch the loaded modules, whose
// classes are patched on their prototypes, so clients created afterwards are traced.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TracingHandle {
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Spans go here instead of the exporter OTEL_* configures (tests use an in-memory one). */
  exporter?: SpanExporter;
}

const instrumentedModules = ['http', 'https', 'express', 'pg', 'kafkajs'];

/** Whether the environment asks for tracing. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts the SDK when configured (or given an exporter); undefined when tracing is off. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env, options: TracingOptions = {}): TracingHandle | undefined {
  if (!options.exporter && !tracingEnabled(env)) return undefined;
  const { NodeSDK, tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs') as typeof import('@opentelemetry/instrumentation-kafkajs');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? service,
    ...(options.exporter ? { spanProcessors: [new tracing.SimpleSpanProcessor(options.exporter)] } : {}),
    instrumentations: [
      // probes and scrapes would be most of the traces: they are not traced
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? '') }),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  for (const name of instrumentedModules) require(name);
  return { shutdown: () => sdk.shutdown() };
}
