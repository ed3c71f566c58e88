// Who may call what, as one table per service: every documented operation × {anonymous, forged
// or expired token, customer, operator}. The operations come from the service's OpenAPI document,
// so an endpoint added later is held to the same rules. Every route under /operator/ is for
// operators; the service lists the few others that are (GET /forecast), and the suite checks that
// customers are refused exactly those. Outside the table: the test clock (/operator/clock) does
// not exist at all in production.
import { createSecretKey, randomUUID } from 'node:crypto';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, issueDevelopmentToken } from '@billing/auth';
import type { ServiceConfig, ServiceDefinition } from '@billing/platform';
import { SignJWT } from 'jose';
import type { z } from 'zod';
import {
  concretePath,
  developmentCallers,
  documentedOperations,
  PUBLIC_ROUTES,
  rawRequest,
  startServiceForHttpTests,
  type Callers,
  type DocumentedOperation,
  type ServiceUnderHttpTest,
} from './http-surface';

export interface AuthorizationSuiteOptions {
  /** The routes (`METHOD /path/{param}`) outside /operator/ that only operators may call. */
  otherOperatorRoutes?: string[];
  /** Environment of the test boot. */
  env?: Record<string, string>;
  /** What the service needs besides NODE_ENV=production and AUTH_JWT_SECRET to boot in production. */
  productionEnv?: Record<string, string>;
}

const TEST_CLOCK_ROUTES = ['GET /operator/clock', 'POST /operator/clock'];
const PRODUCTION_SECRET = `production-secret-${randomUUID()}`;

function signed(secret: string, subject: string, roles: string[]): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(createSecretKey(Buffer.from(secret)));
}

/** A call with a fresh id in each path parameter and an empty JSON object as body. */
function call(baseUrl: string, operation: DocumentedOperation, authorization?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  return rawRequest(`${baseUrl}${concretePath(operation, () => randomUUID())}`, {
    method: operation.method,
    headers,
    body: operation.method === 'GET' ? undefined : '{}',
  });
}

export function authorizationSuite<S extends z.ZodType<ServiceConfig>>(service: ServiceDefinition<S>, options: AuthorizationSuiteOptions = {}): void {
  const otherOperatorRoutes = options.otherOperatorRoutes ?? [];
  const isOperatorRoute = (route: string) => route.split(' ')[1].startsWith('/operator/') || otherOperatorRoutes.includes(route);

  describe(`${service.name} service: who may call what`, () => {
    let running: ServiceUnderHttpTest;
    let operations: DocumentedOperation[];
    let callers: Callers;
    const guarded = () => operations.filter((operation) => !PUBLIC_ROUTES.includes(operation.route));

    beforeAll(async () => {
      // no scheduler loops: the table's calls are the only traffic
      running = await startServiceForHttpTests(service, 'authz', options.env);
      operations = await documentedOperations(running.baseUrl);
      callers = await developmentCallers();
    });

    afterAll(async () => {
      await running?.close();
    });

    it('documents the probes, the test clock and the operator routes it declares', () => {
      expect(operations.map((operation) => operation.route)).toEqual(expect.arrayContaining(['GET /health/live', 'GET /health/ready', ...TEST_CLOCK_ROUTES, ...otherOperatorRoutes]));
    });

    it('answers the probes and metrics without a token', async () => {
      const refused: string[] = [];
      for (const operation of operations.filter((candidate) => PUBLIC_ROUTES.includes(candidate.route))) {
        const answer = await call(running.baseUrl, operation);
        if (answer.status === 401 || answer.status === 403) refused.push(`${operation.route}: ${answer.status}`);
      }
      for (const path of ['/metrics', '/docs-json']) {
        const answer = await rawRequest(`${running.baseUrl}${path}`, {});
        if (answer.status !== 200) refused.push(`GET ${path}: ${answer.status}`);
      }
      expect(refused).toEqual([]);
    });

    it('refuses every other operation to a caller without a valid token (401 with the reason)', async () => {
      const expired = await issueDevelopmentToken('customer-late', { expiresIn: '-1m' });
      const otherIssuer = await issueDevelopmentToken('customer-elsewhere', { issuer: 'someone-else' });
      const otherKey = await signed('a-secret-that-is-not-the-services-own-32+', 'customer-forger', ['operator']);
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["operator"]}').toString('base64url')}.`;
      const cases: Array<[string, string | undefined, string]> = [
        ['no Authorization header', undefined, 'MISSING_TOKEN'],
        ['a Basic header', 'Basic b3BlcmF0b3I6b3BlcmF0b3I=', 'MISSING_TOKEN'],
        ['garbage', 'Bearer not-a-jwt', 'INVALID_TOKEN'],
        ['an expired token', `Bearer ${expired}`, 'EXPIRED_TOKEN'],
        ['another issuer', `Bearer ${otherIssuer}`, 'INVALID_TOKEN'],
        ['an operator token signed with another key', `Bearer ${otherKey}`, 'INVALID_TOKEN'],
        ['an unsigned (alg: none) operator token', `Bearer ${unsigned}`, 'INVALID_TOKEN'],
      ];
      const table: string[] = [];
      for (const operation of guarded()) {
        for (const [label, authorization, code] of cases) {
          const answer = await call(running.baseUrl, operation, authorization);
          if (answer.status !== 401 || answer.json?.code !== code) table.push(`${operation.route} with ${label}: ${answer.status} ${answer.text.slice(0, 120)}`);
        }
      }
      expect(table).toEqual([]);
    });

    it('refuses the operator routes to customers (403), and only those', async () => {
      const table: string[] = [];
      for (const operation of guarded()) {
        const answer = await call(running.baseUrl, operation, `Bearer ${callers.customer}`);
        const forOperators = isOperatorRoute(operation.route);
        const refused = answer.status === 403 && answer.json?.code === 'OPERATOR_ROLE_REQUIRED';
        if (forOperators !== refused) table.push(`${operation.route} as a customer: ${answer.status} ${answer.text.slice(0, 120)}`);
      }
      expect(table).toEqual([]);
    });

    it('lets operators through to the operator routes', async () => {
      const table: string[] = [];
      for (const operation of guarded().filter((candidate) => isOperatorRoute(candidate.route))) {
        const answer = await call(running.baseUrl, operation, `Bearer ${callers.operator}`);
        if (answer.status === 401 || answer.status === 403) table.push(`${operation.route} as an operator: ${answer.status}`);
      }
      expect(table).toEqual([]);
    });

    describe('in production', () => {
      let production: ServiceUnderHttpTest;

      beforeAll(async () => {
        production = await startServiceForHttpTests(service, 'authzprod', {
          ...options.env,
          NODE_ENV: 'production',
          AUTH_JWT_SECRET: PRODUCTION_SECRET,
          ...options.productionEnv,
        });
      });

      afterAll(async () => {
        await production?.close();
      });

      it('has no test clock: not documented, and not found even for an operator', async () => {
        const routes = (await documentedOperations(production.baseUrl)).map((operation) => operation.route);
        expect(routes).not.toEqual(expect.arrayContaining([TEST_CLOCK_ROUTES[0]]));
        expect(routes).not.toEqual(expect.arrayContaining([TEST_CLOCK_ROUTES[1]]));
        const operator = `Bearer ${await signed(PRODUCTION_SECRET, 'operator-prod', ['operator'])}`;
        for (const method of ['GET', 'POST']) {
          const answer = await rawRequest(`${production.baseUrl}/operator/clock`, {
            method,
            headers: { authorization: operator, 'content-type': 'application/json' },
            body: method === 'POST' ? JSON.stringify({ advance: 'P1D' }) : undefined,
          });
          expect({ method, status: answer.status }).toEqual({ method, status: 404 });
        }
      });

      it('refuses the development tokens everyone can mint', async () => {
        const developmentOperator = await issueDevelopmentToken('operator-dev', { roles: ['operator'] });
        const refused: string[] = [];
        for (const operation of await documentedOperations(production.baseUrl)) {
          if (PUBLIC_ROUTES.includes(operation.route)) continue;
          const answer = await call(production.baseUrl, operation, `Bearer ${developmentOperator}`);
          if (answer.status !== 401 || answer.json?.code !== 'INVALID_TOKEN') refused.push(`${operation.route}: ${answer.status}`);
        }
        expect(refused).toEqual([]);
      });
    });
  });
}
