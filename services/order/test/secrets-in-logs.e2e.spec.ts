// Secrets never reach the logs. Order, invoicing and subscription run as real processes at debug
// level, with a password in DATABASE_URL and their own signing and termination secrets; a
// customer registers a card token, tries a card number, orders, terminates the delivered service
// with the e-mailed token, and calls with forged and expired tokens. Then every line the three
// processes wrote is searched for each secret.
import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@billing/auth';
import { freePort, readTopicWithKcat, startServiceProcess, type RunningService } from '@billing/service-testing';
import { createTestDatabase, testKafkaBrokers, waitForValue, waitUntil, type TestDatabase } from '@billing/testing';
import { SignJWT } from 'jose';

jest.setTimeout(300_000);

type Name = 'order' | 'invoicing' | 'subscription';
const names: Name[] = ['order', 'invoicing', 'subscription'];
const workspaceRoot = path.resolve(__dirname, '../../..');
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

const secrets = {
  databasePassword: secret('PgPassword'),
  jwtSigningSecret: secret('jwt-signing-secret-of-at-least-32-characters'),
  terminationSecret: secret('termination-secret-of-at-least-32-characters'),
  // letters only: a random hex token holds a run of 12 digits about once in 50 runs, which the API
  // refuses as a card number (and this journey then stops at its first step)
  cardToken: `tok_${randomBytes(12).toString('hex').replace(/\d/g, (digit) => 'ghijklmnop'[Number(digit)])}`,
  cardNumber: '4111111111111111',
};
const topicPrefix = `secrets${randomUUID().slice(0, 8)}`;
const customerId = `customer-${randomUUID().slice(0, 8)}`;

interface Running {
  port: number;
  database: TestDatabase;
  process: RunningService;
}

const running = new Map<Name, Running>();

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

function sign(subject: string, { expiresIn = '1h', key = secrets.jwtSigningSecret } = {}): Promise<string> {
  return new SignJWT({ roles: ['customer'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(createSecretKey(Buffer.from(key)));
}

async function call<T = Record<string, unknown>>(name: Name, method: string, route: string, options: { token: string; body?: unknown; headers?: Record<string, string> }) {
  const response = await fetch(`http://127.0.0.1:${running.get(name)?.port}${route}`, {
    method,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: jsonOrEmpty(text) as T, text };
}

/** The body as JSON; a body that is not (a proxy's or a stranger's page) is left to the status check. */
function jsonOrEmpty(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** A call that must answer `status`; otherwise the failure names the call and what it answered. */
async function expectAnswer<T = Record<string, unknown>>(status: number, name: Name, method: string, route: string, options: Parameters<typeof call>[3]) {
  const answer = await call<T>(name, method, route, options);
  if (answer.status !== status) throw new Error(`${method} ${route} on ${name} answered ${answer.status}, not ${status}: ${answer.text.slice(0, 500)}`);
  return answer;
}

beforeAll(async () => {
  for (const name of names) {
    const database = await createTestDatabase(`secrets_${name}`);
    const port = await freePort();
    // the server trusts local connections: the password is not checked, only carried everywhere
    const process = startServiceProcess(path.join(workspaceRoot, `services/${name}/src/main.ts`), {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      PORT: String(port),
      DATABASE_URL: withPassword(database.url, secrets.databasePassword),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      AUTH_JWT_SECRET: secrets.jwtSigningSecret,
      TERMINATION_TOKEN_SECRET: secrets.terminationSecret,
      PAYMENT_RECONCILIATION_INTERVAL_MS: '250',
      PAYMENT_OUTCOME_TIMEOUT_MS: '1500',
    });
    running.set(name, { port, database, process });
  }
  await Promise.all(
    names.map((name) =>
      waitUntil(async () => (await fetch(`http://127.0.0.1:${running.get(name)?.port}/health/ready`).catch(() => undefined))?.status === 200, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: `${name} to be ready`,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${running.get(name)?.process.output().stderr.slice(-2_000)}`);
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(
    [...running.values()].map(async ({ process, database }) => {
      process.child.kill('SIGTERM');
      const timer = setTimeout(() => process.child.kill('SIGKILL'), 10_000);
      await process.exited;
      clearTimeout(timer);
      await database.drop().catch(() => undefined);
    }),
  );
});

it('no secret of a whole customer journey appears in any log line of any service', async () => {
  const token = await sign(customerId);
  const expired = await sign(customerId, { expiresIn: '-1m' });
  const forged = await sign(customerId, { key: secret('another-key-that-is-long-enough-to-sign') });

  // the account, a card by its gateway token, and a card number the API refuses
  await expectAnswer(200, 'invoicing', 'PUT', '/me', {
    token,
    body: { subsidiary: 'FR', name: 'Camille Martin', postalAddress: { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris' }, country: 'FR', email: 'camille@example.org' },
  });
  const method = await expectAnswer<{ paymentMethodId: string }>(201, 'invoicing', 'POST', '/me/payment/method', { token, body: { type: 'card', token: secrets.cardToken, default: true } });
  await expectAnswer(400, 'invoicing', 'POST', '/me/payment/method', { token, body: { type: 'card', token: secrets.cardNumber, label: `Visa ${secrets.cardNumber}` } });

  // refused callers: an expired and a forged token
  await expectAnswer(401, 'order', 'GET', '/orders', { token: expired });
  await expectAnswer(401, 'invoicing', 'GET', '/me/bill', { token: forged });

  // a one-click order, charged to the card and delivered, becomes a service
  const placed = await expectAnswer<{ orderId: string }>(201, 'order', 'POST', '/orders', {
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }], autoPay: true, paymentMethodId: method.body.paymentMethodId },
  });
  await waitForValue(async () => (await call<{ status: string }>('order', 'GET', `/orders/${placed.body.orderId}/status`, { token })).body.status, (status) => status === 'delivered', {
    timeoutMs: 90_000,
    description: 'the order to be delivered',
  });
  const services = await waitForValue(
    async () => (await call<{ services: { serviceId: string }[] }>('subscription', 'GET', '/services', { token })).body.services,
    (listed) => listed?.length === 1,
    { timeoutMs: 60_000, description: 'the service to be listed' },
  );
  const serviceId = services[0].serviceId;

  // terminated with the token the notification carries
  await expectAnswer(202, 'subscription', 'POST', `/services/${serviceId}/terminate`, { token });
  const terminationToken = await waitForValue(
    async () => readTopicWithKcat(`${topicPrefix}.billing.services.v1`).find((message) => message.type === 'ServiceTerminationRequested')?.data.token as string | undefined,
    (found) => found !== undefined,
    { timeoutMs: 30_000, description: 'the termination notification' },
  );
  await expectAnswer(422, 'subscription', 'POST', `/services/${serviceId}/confirmTermination`, { token, body: { token: `${terminationToken}x`, reason: 'TOO_EXPENSIVE' } });
  await expectAnswer(200, 'subscription', 'POST', `/services/${serviceId}/confirmTermination`, { token, body: { token: terminationToken, reason: 'TOO_EXPENSIVE' } });

  // then: the logs, every line of every process
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const logs = names.flatMap((name) => {
    const { stdout, stderr } = running.get(name)?.process.output() ?? { stdout: '', stderr: '' };
    return `${stdout}${stderr}`.split('\n').map((line) => ({ name, line }));
  });
  // the journey was logged (request lines at least), so the search means something
  expect(logs.filter(({ line }) => line.includes('"req"')).length).toBeGreaterThan(10);
  const searched: Record<string, string> = {
    ...secrets,
    bearerToken: token,
    bearerSignature: token.split('.')[2],
    expiredToken: expired,
    forgedToken: forged,
    terminationToken: terminationToken as string,
  };
  const leaks = Object.entries(searched).flatMap(([label, value]) =>
    logs.filter(({ line }) => line.includes(value)).map(({ name, line }) => `${label} in ${name}: ${line.slice(0, 300)}`),
  );
  expect(leaks).toEqual([]);
});
