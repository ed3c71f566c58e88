// Fuzzes every documented operation of a service with fast-check: random and almost-valid bodies
// (wrong types, missing and extra fields, huge strings, unicode, malformed JSON, oversized
// payloads), odd headers (garbage Authorization, strange Idempotency-Keys, any content type), odd
// path ids (unicode, traversal, undecodable escapes) and query strings. The properties: no answer
// is a 5xx, and every 4xx carries a machine-readable reason code. Every violation is collected
// (not shrunk) and reported at once; the counts per operation and the status histogram are
// printed for the record. HTTP_FUZZ_RUNS sets the runs per operation (default 100).
import type { ServiceConfig, ServiceDefinition } from '@billing/platform';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  concretePath,
  developmentCallers,
  documentedOperations,
  rawRequest,
  reasonCodeOf,
  startServiceForHttpTests,
  type Callers,
  type DocumentedOperation,
  type JsonSchema,
  type RawAnswer,
  type ServiceUnderHttpTest,
} from './http-surface';

export interface HttpFuzzSuiteOptions {
  env?: Record<string, string>;
  /** Runs per operation; HTTP_FUZZ_RUNS overrides it. */
  numRuns?: number;
  /** Operations not fuzzed, with the reason (`POST /operator/renewals/run`: …). */
  skip?: Record<string, string>;
}

export interface FuzzedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

// ── arbitraries ──

const printableAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', 'null', 'undefined', 'NaN', '-1', '0', '1e309', '__proto__', 'constructor', "' OR 1=1 --", '<script>', '\u0000', '\u202e', '💳', 'ß'.repeat(300)),
  fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

const pathSegment = fc.oneof(
  { weight: 3, arbitrary: fc.uuid().map(encodeURIComponent) },
  { weight: 3, arbitrary: anyText.map(encodeURIComponent) },
  // raw, as a careless client sends them: traversal, undecodable escapes, unicode
  { weight: 2, arbitrary: fc.constantFrom('..', '../..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%', '%zz', '%00', '%C0%AF', '%E2%82', 'a/b', '.', ';x', '?', '#', 'é') },
);

function valueOfSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const wrong = depth > 2 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants?.length) return fc.oneof(...variants.map((variant) => valueOfSchema(variant, depth + 1)), wrong);
  if (schema.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: wrong });
  if (schema.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: wrong });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let right: fc.Arbitrary<unknown>;
  switch (type) {
    case 'object':
      right = depth > 3 ? fc.constant({}) : objectOfSchema(schema, depth);
      break;
    case 'array':
      right = depth > 3 ? fc.constant([]) : fc.array(valueOfSchema(schema.items ?? {}, depth + 1), { maxLength: 4 });
      break;
    case 'string':
      right = fc.oneof(anyText, fc.uuid(), fc.constantFrom('P1M', 'P1Y', 'P1D', 'PT6H', 'FR', 'DE', 'EUR', 'card', 'tok_success', 'web-hosting-pro', '2027-01-31', '2027-01-31T08:00:00Z'));
      break;
    case 'integer':
    case 'number':
      right = fc.oneof(fc.integer(), fc.integer({ min: -3, max: 400 }), fc.double(), fc.constantFrom(0, -1, 2 ** 53, 1e308, -1e308, 0.5));
      break;
    case 'boolean':
      right = fc.boolean();
      break;
    default:
      right = fc.jsonValue({ maxDepth: 2 });
  }
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

function objectOfSchema(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valueOfSchema(property, depth + 1)]));
  // any subset of the documented fields (missing ones included), and sometimes fields of its own
  return fc
    .tuple(fc.record(properties, { requiredKeys: [] }), fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(printableAscii, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) }))
    .map(([documented, extra]) => ({ ...extra, ...documented }));
}

function bodyOf(operation: DocumentedOperation): fc.Arbitrary<string | undefined> {
  const documented = operation.body?.schema ? valueOfSchema(operation.body.schema).map((value) => JSON.stringify(value)) : fc.constant(undefined);
  return fc.oneof(
    { weight: 6, arbitrary: documented },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'nul', '[1,2', '\u0000', '{"__proto__":{"polluted":true}}', '"just a string"', '1e999', '[]', '{}', 'a,b,c\n1,2,3', '{"x":1}\n{"y":') },
    { weight: 1, arbitrary: fc.constantFrom(120_000, 2_000_000).map((length) => JSON.stringify({ padding: 'x'.repeat(length) })) },
  );
}

function headersOf(operation: DocumentedOperation, callers: Callers): fc.Arbitrary<Record<string, string>> {
  const forOperators = operation.path.startsWith('/operator/') || operation.path === '/forecast';
  const authorization = fc.oneof(
    { weight: forOperators ? 2 : 8, arbitrary: fc.constant(`Bearer ${callers.customer}`) },
    { weight: forOperators ? 8 : 2, arbitrary: fc.constant(`Bearer ${callers.operator}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: printableAscii },
    { weight: 1, arbitrary: printableAscii.map((text) => `Bearer ${text}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer ', 'bearer  x.y.z', `Bearer ${'a'.repeat(6_000)}`, `Bearer ${callers.customer}x`, `Bearer ${callers.customer.split('.').slice(0, 2).join('.')}.`) },
  );
  const idempotencyKey = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: printableAscii },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(4_000)) },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'text/plain',
        'text/csv',
        'application/x-ndjson',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/json; charset=nonsense',
        'application/xml',
        'garbage',
        '*/*',
      ),
    },
  );
  return fc.record({ authorization, idempotencyKey, contentType, encoding: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'nonsense') }) }).map((chosen) => {
    const headers: Record<string, string> = {};
    if (chosen.authorization !== undefined) headers.authorization = chosen.authorization;
    if (chosen.idempotencyKey !== undefined) headers['idempotency-key'] = chosen.idempotencyKey;
    if (chosen.contentType !== undefined) headers['content-type'] = chosen.contentType;
    if (chosen.encoding !== undefined) headers['content-encoding'] = chosen.encoding;
    return headers;
  });
}

function queryOf(operation: DocumentedOperation): fc.Arbitrary<string> {
  const documented = Object.fromEntries(operation.queryParameters.map(({ name, schema }) => [name, valueOfSchema(schema).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))]));
  return fc
    .tuple(
      fc.record(documented, { requiredKeys: [] }),
      fc.oneof({ weight: 4, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 1, arbitrary: fc.array(fc.tuple(printableAscii, anyText), { maxLength: 3 }) }),
      fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('&limit=1&limit=2', '&limit[]=1', '&limit[$gt]=0', '&%zz=1', '&cursor=%00') }),
    )
    .map(([known, extra, raw]) => {
      const search = new URLSearchParams([...Object.entries(known as Record<string, string>), ...extra]).toString();
      const query = `${search}${raw}`;
      return query ? `?${query}` : '';
    });
}

export function fuzzedRequests(operation: DocumentedOperation, callers: Callers): fc.Arbitrary<FuzzedRequest> {
  const segments = Object.fromEntries(operation.pathParameters.map((name) => [name, pathSegment]));
  return fc.record({ segments: fc.record(segments), query: queryOf(operation), headers: headersOf(operation, callers), body: bodyOf(operation) }).map(({ segments: values, query, headers, body }) => ({
    method: operation.method,
    path: `${concretePath(operation, values)}${query}`,
    headers,
    // a GET with a body is legal HTTP, but fetch refuses to send one
    ...(operation.method !== 'GET' && body !== undefined ? { body } : {}),
  }));
}

// ── the suite ──

export interface FuzzReport {
  route: string;
  requests: number;
  statuses: Record<number, number>;
}

export interface FuzzViolation {
  route: string;
  problem: string;
  request: FuzzedRequest;
  answer: Pick<RawAnswer, 'status' | 'text'>;
}

function problemOf(answer: RawAnswer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status >= 400 && !reasonCodeOf(answer)) return `answered ${answer.status} without a reason code`;
  return undefined;
}

/** Sends one fuzzed request; a request that hangs is a violation too. */
async function send(baseUrl: string, request: FuzzedRequest): Promise<RawAnswer> {
  try {
    return await rawRequest(`${baseUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(20_000) });
  } catch (error) {
    return { status: 599, contentType: '', text: `no answer: ${(error as Error).message}` };
  }
}

/** The request as a report shows it: long values cut, so that one violation stays readable. */
function abridged(request: FuzzedRequest): FuzzedRequest {
  const cut = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…(${text.length} chars)` : text);
  return {
    method: request.method,
    path: cut(request.path),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, cut(value)])),
    ...(request.body !== undefined ? { body: cut(request.body) } : {}),
  };
}

function printReport(service: string, reports: FuzzReport[], runs: number): void {
  const histogram: Record<number, number> = {};
  for (const report of reports) for (const [status, count] of Object.entries(report.statuses)) histogram[Number(status)] = (histogram[Number(status)] ?? 0) + count;
  const lines = [
    `HTTP fuzzing of the ${service} service: ${reports.length} operations × ${runs} runs, ${reports.reduce((sum, report) => sum + report.requests, 0)} requests`,
    ...reports.map((report) => `  ${report.route.padEnd(52)} ${String(report.requests).padStart(5)}  ${Object.entries(report.statuses).map(([status, count]) => `${status}×${count}`).join(' ')}`),
    `  status histogram: ${Object.entries(histogram).map(([status, count]) => `${status}×${count}`).join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function httpFuzzSuite<S extends z.ZodType<ServiceConfig>>(service: ServiceDefinition<S>, options: HttpFuzzSuiteOptions = {}): void {
  const runs = Number(process.env.HTTP_FUZZ_RUNS ?? options.numRuns ?? 100);

  describe(`${service.name} service under HTTP fuzzing`, () => {
    let running: ServiceUnderHttpTest;

    beforeAll(async () => {
      running = await startServiceForHttpTests(service, 'fuzz', options.env);
    });

    afterAll(async () => {
      await running?.close();
    });

    it(`never answers a 5xx, and gives every 4xx a reason code (${runs} runs per operation)`, async () => {
      const callers = await developmentCallers();
      const operations = (await documentedOperations(running.baseUrl)).filter((operation) => !options.skip?.[operation.route]);
      // and a few routes nobody documented: the router's own 404 must carry a code too
      operations.push(
        { method: 'GET', path: `/no-such-route/{id}`, route: 'GET /no-such-route/{id}', pathParameters: ['id'], queryParameters: [] },
        { method: 'DELETE', path: operations.find((operation) => operation.pathParameters.length)?.path ?? '/nothing', route: 'DELETE (undocumented method)', pathParameters: operations.find((operation) => operation.pathParameters.length)?.pathParameters ?? [], queryParameters: [] },
      );
      const reports: FuzzReport[] = [];
      const violations: FuzzViolation[] = [];
      const seed = Number(process.env.HTTP_FUZZ_SEED ?? Date.now() % 2 ** 31);
      for (const operation of operations) {
        const report: FuzzReport = { route: operation.route, requests: 0, statuses: {} };
        reports.push(report);
        await fc.assert(
          fc.asyncProperty(fuzzedRequests(operation, callers), async (request) => {
            const answer = await send(running.baseUrl, request);
            report.requests++;
            report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
            const problem = problemOf(answer);
            // one example of each problem per operation is enough to find its cause
            if (problem && !violations.some((known) => known.route === operation.route && known.problem === problem)) {
              violations.push({ route: operation.route, problem, request: abridged(request), answer: { status: answer.status, text: answer.text.slice(0, 300) } });
            }
            return true;
          }),
          { numRuns: operation.route.startsWith('GET /health') || operation.route === 'GET /metrics' ? Math.min(runs, 20) : runs, seed },
        );
      }
      printReport(service.name, reports, runs);
      if (violations.length) process.stdout.write(`seed ${seed} (HTTP_FUZZ_SEED replays it)\n`);
      expect(violations).toEqual([]);
    });
  });
}
