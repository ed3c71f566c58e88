// A service's HTTP surface as its OpenAPI document describes it: the app booted in-process on a
// fresh database and topic prefix, the documented operations enumerated from /docs-json (so a new
// endpoint is covered by the suites built on this without anyone listing it), and tokens for
// each kind of caller.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { issueDevelopmentToken } from '@billing/auth';
import { createServiceApp, loadConfig, type ServiceConfig, type ServiceDefinition } from '@billing/platform';
import { createTestDatabase, testKafkaBrokers, type TestDatabase } from '@billing/testing';
import type { z } from 'zod';

/** Answer without a token: probes, metrics, documentation. */
export const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  [keyword: string]: unknown;
}

export interface DocumentedOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, `{name}` for each path parameter. */
  path: string;
  /** `GET /orders/{orderId}` */
  route: string;
  pathParameters: string[];
  queryParameters: { name: string; schema: JsonSchema }[];
  body?: { contentTypes: string[]; schema: JsonSchema };
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the service's OpenAPI document. */
export async function documentedOperations(baseUrl: string): Promise<DocumentedOperation[]> {
  const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as OpenApiDocument;
  const resolve = (schema: JsonSchema | undefined): JsonSchema => {
    if (schema?.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop() as string]);
    return schema ?? {};
  };
  const operations: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = operation.parameters ?? [];
      const content = Object.entries(operation.requestBody?.content ?? {});
      operations.push({
        method: method.toUpperCase() as DocumentedOperation['method'],
        path,
        route: `${method.toUpperCase()} ${path}`,
        pathParameters: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
        queryParameters: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => ({ name: parameter.name, schema: resolve(parameter.schema) })),
        ...(content.length ? { body: { contentTypes: content.map(([type]) => type), schema: resolve(content[0][1].schema) } } : {}),
      });
    }
  }
  return operations;
}

/** The path with each parameter replaced (already URL-encoded by the caller when it must be). */
export function concretePath(operation: DocumentedOperation, values: Record<string, string> | ((name: string) => string)): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => (typeof values === 'function' ? values(name) : values[name]));
}

export interface Callers {
  customer: string;
  otherCustomer: string;
  operator: string;
}

export async function developmentCallers(): Promise<Callers> {
  return {
    customer: await issueDevelopmentToken(`customer-${randomUUID().slice(0, 8)}`),
    otherCustomer: await issueDevelopmentToken(`customer-${randomUUID().slice(0, 8)}`),
    operator: await issueDevelopmentToken(`operator-${randomUUID().slice(0, 8)}`, { roles: ['operator'] }),
  };
}

export interface ServiceUnderHttpTest {
  app: INestApplication;
  baseUrl: string;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Boots the service in-process (as the integration tests do) on its own database and topics. */
export async function startServiceForHttpTests<S extends z.ZodType<ServiceConfig>>(
  service: ServiceDefinition<S>,
  label: string,
  env: Record<string, string> = {},
): Promise<ServiceUnderHttpTest> {
  const database = await createTestDatabase(`${service.name}_${label}`);
  try {
    const config = loadConfig(service.configSchema, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: `test.${service.name}-${label}.${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'error',
      ...env,
    });
    const app = await createServiceApp(service, config);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      app,
      baseUrl,
      database,
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json?: Record<string, unknown>;
}

export async function rawRequest(url: string, init: RequestInit): Promise<RawAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let json: Record<string, unknown> | undefined;
  if (contentType.includes('json')) {
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, contentType, text, json };
}

/** The machine-readable reason every 4xx and 5xx answer carries: `{ code: 'SOME_REASON' }`. */
export function reasonCodeOf(answer: RawAnswer): string | undefined {
  const code = answer.json?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}
