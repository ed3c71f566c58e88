// How every service process starts and stops: validated configuration, a reachable database,
// migrations, JSON logs, OpenAPI, graceful shutdown on SIGTERM. Failures at boot are one line
// on stderr and exit code 1: no stack-trace loop, no hang.
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { ConfigurationError, loadConfig, type ServiceConfig } from '../config/config';
import { applyConnectionSecurity } from '../config/connection-security';
import { assertDatabaseReachable, runMigrations } from '../database/database';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { answerMalformedRequestsAsJson } from '../http/malformed-requests';
import { METRICS_REGISTRY, httpRequestMetrics } from '../metrics/metrics';
import { startTracing } from '../tracing/tracing';

export interface ServiceDefinition<S extends z.ZodType<ServiceConfig>> {
  name: string;
  description: string;
  configSchema: S;
  module: (config: z.infer<S>) => DynamicModule;
}

/** Builds the Nest application of a service (used by main.ts and by the integration tests). */
export async function createServiceApp<S extends z.ZodType<ServiceConfig>>(
  service: ServiceDefinition<S>,
  config: z.infer<S>,
): Promise<INestApplication> {
  // before any client exists: every Kafka and PostgreSQL connection uses the deployment's TLS/SASL
  applyConnectionSecurity(config);
  await assertDatabaseReachable(config.DATABASE_URL);
  const app = await NestFactory.create(service.module(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.use(httpRequestMetrics(app.get(METRICS_REGISTRY)));
  app.useGlobalFilters(new DomainErrorFilter());
  answerMalformedRequestsAsJson(app.getHttpServer());
  // the signals an orchestrator or a terminal stops a process with, and no others: Nest's default
  // (every signal) also shut the service down on SIGUSR2, which node's diagnostics use (a heap
  // snapshot or a report on demand, --heapsnapshot-signal / --report-on-signal)
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await runMigrations(app.get(DataSource));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${service.name} service`)
      .setDescription(service.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function fail(service: string, message: string): never {
  process.stderr.write(`${service}: ${message}\n`);
  process.exit(1);
}

/** Entry point of a service process. */
export async function runService<S extends z.ZodType<ServiceConfig>>(service: ServiceDefinition<S>): Promise<void> {
  let config: z.infer<S>;
  try {
    config = loadConfig(service.configSchema);
  } catch (error) {
    if (error instanceof ConfigurationError) fail(service.name, error.message);
    throw error;
  }

  // before any client or server exists; off (nothing loaded) unless OTEL_* configure it
  const tracing = startTracing(service.name);

  // a stuck shutdown must not keep a terminating pod (or a test run) hanging
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
      // flushes the spans still buffered
      void tracing?.shutdown().catch(() => undefined);
    });
  }

  let app: INestApplication;
  try {
    app = await createServiceApp(service, config);
  } catch (error) {
    fail(service.name, (error as Error).message.split('\n')[0]);
  }
  try {
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    const cause = error as NodeJS.ErrnoException;
    const portProblem = cause.code === 'EADDRINUSE' || cause.code === 'EACCES' || cause.code === 'EADDRNOTAVAIL';
    fail(service.name, portProblem ? `PORT: cannot listen on ${config.HOST}:${config.PORT}: ${cause.code}` : `failed to start: ${cause.message}`);
  }
  app.get(Logger).log(`${service.name} listening on http://${config.HOST}:${config.PORT} (OpenAPI at /docs)`);
}
