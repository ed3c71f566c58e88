// Configuration is read once at boot from the environment and validated with zod; a missing
// or malformed variable stops the process with one line that names it.
import { z } from 'zod';

const hostPort = /^[A-Za-z0-9.\-_]+:\d{1,5}$/;

export const kafkaBrokersSchema = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.split(',').map((broker) => broker.trim()))
  .refine((brokers) => brokers.every((broker) => hostPort.test(broker)), {
    message: 'expected a comma-separated list of host:port',
  });

export const portSchema = z.coerce
  .number({ message: 'expected a port number' })
  .int('expected a port number')
  .min(1, 'expected a port between 1 and 65535')
  .max(65535, 'expected a port between 1 and 65535');

export const postgresUrlSchema = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
    message: 'expected postgres://user@host:port/database',
  });

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { message: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1');

const filePath = z.string().trim().min(1, 'expected a file path');

/**
 * TLS and SASL towards Kafka, TLS towards PostgreSQL: all optional, off by default (a local run
 * needs none). Files are PEM paths, read at boot (see connection-security.ts).
 */
const connectionSecurityVariables = {
  /** TLS to the brokers; implied by any KAFKA_SSL_*_FILE. */
  KAFKA_SSL: booleanFlag.optional(),
  KAFKA_SSL_CA_FILE: filePath.optional(),
  KAFKA_SSL_CERT_FILE: filePath.optional(),
  KAFKA_SSL_KEY_FILE: filePath.optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: booleanFlag.default(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'expected plain, scram-sha-256 or scram-sha-512' }).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** As libpq's sslmode: disable, require (encrypted, not verified), verify-ca, verify-full. */
  DATABASE_SSL_MODE: z.enum(['disable', 'require', 'verify-ca', 'verify-full'], { message: 'expected disable, require, verify-ca or verify-full' }).default('disable'),
  DATABASE_SSL_CA_FILE: filePath.optional(),
  DATABASE_SSL_CERT_FILE: filePath.optional(),
  DATABASE_SSL_KEY_FILE: filePath.optional(),
};

/** The variables every service reads. */
export function serviceConfigSchema(defaults: { port: number; database: string }) {
  return z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: portSchema.default(defaults.port),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: postgresUrlSchema.default(`postgres://postgres@127.0.0.1:5432/${defaults.database}`),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * The hot statements prepared once per connection (see the event store). False behind a
     * pooler in transaction mode (PgBouncer before 1.21), which keeps no statement across transactions.
     */
    DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
    KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().min(1).optional(),
    /** Prefixes every topic name (`<prefix>.billing.orders.v1`): isolates test runs and tenants. */
    KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'expected letters, digits, dots, dashes or underscores').default(''),
    /**
     * Customers a reaction handles at once within one partition (each customer's events still one
     * after the other, in order); each may hold a database connection. 1: strictly one event at a time.
     */
    KAFKA_REACTION_LANES: z.coerce.number().int().min(1).max(64).default(4),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: booleanFlag.default(false),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    ...connectionSecurityVariables,
  });
}


export type ServiceConfig = z.infer<ReturnType<typeof serviceConfigSchema>>;

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Parses the environment; throws a ConfigurationError naming each bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // an empty variable means "not set", as it does for shells and Kubernetes ConfigMaps
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigurationError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const given = issue.path.length === 1 ? present[String(issue.path[0])] : undefined;
      const missing = given === undefined && issue.code === 'invalid_type';
      const shown = given === undefined ? undefined : shownValue(name, given);
      return missing ? `${name} is required` : `${name}: ${issue.message}${shown !== undefined ? ` (got "${shown}")` : ''}`;
    }),
  );
}

/** Secrets are never echoed: not the value of a secret variable, not the password of a URL. */
function shownValue(name: string, value: string): string | undefined {
  if (/SECRET|PASSWORD|TOKEN|_KEY($|_)/.test(name)) return undefined;
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:[redacted]@');
}

/** A topic's name under the configured prefix. */
export function topicName(config: Pick<ServiceConfig, 'KAFKA_TOPIC_PREFIX'>, topic: string): string {
  return config.KAFKA_TOPIC_PREFIX ? `${config.KAFKA_TOPIC_PREFIX}.${topic}` : topic;
}
