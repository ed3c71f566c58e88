// Which platform an operator command talks to: its broker, the four service databases, the four
// service URLs and the operator token, from the environment (and the command line's overrides).
export const serviceNames = ['order', 'subscription', 'renewal', 'invoicing'] as const;
export type ServiceName = (typeof serviceNames)[number];

const defaultPorts: Record<ServiceName, number> = { order: 3001, subscription: 3002, renewal: 3003, invoicing: 3004 };

export interface OperationsTarget {
  readonly brokers: readonly string[];
  /** The services' KAFKA_TOPIC_PREFIX: topics and consumer groups are `<prefix>.<name>`. */
  readonly topicPrefix: string;
  readonly databaseUrls: Readonly<Record<ServiceName, string>>;
  readonly serviceUrls: Readonly<Record<ServiceName, string>>;
  /** A bearer token with the operator role; absent: minted with the development key outside production. */
  readonly token?: string;
  /** `production` refuses the development token and the test clock. */
  readonly environment: string;
}

export function isServiceName(name: string): name is ServiceName {
  return (serviceNames as readonly string[]).includes(name);
}

/** A topic or consumer group under the target's prefix. */
export function prefixed(target: Pick<OperationsTarget, 'topicPrefix'>, name: string): string {
  return target.topicPrefix ? `${target.topicPrefix}.${name}` : name;
}

/**
 * KAFKA_BROKERS, KAFKA_TOPIC_PREFIX; DATABASE_URL (the server) + DATABASE_PREFIX, or
 * `<SERVICE>_DATABASE_URL` per service; `<SERVICE>_URL`, else `http://127.0.0.1:<SERVICE>_PORT`;
 * BILLING_TOKEN; NODE_ENV.
 */
export function targetFromEnvironment(env: NodeJS.ProcessEnv = process.env): OperationsTarget {
  const server = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const databasePrefix = env.DATABASE_PREFIX ?? 'billing_';
  const byService = <T>(of: (service: ServiceName, upper: string) => T) =>
    Object.fromEntries(serviceNames.map((service) => [service, of(service, service.toUpperCase())])) as Record<ServiceName, T>;
  return {
    brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    databaseUrls: byService((service, upper) => {
      const own = env[`${upper}_DATABASE_URL`];
      if (own) return own;
      const url = new URL(server);
      url.pathname = `/${databasePrefix}${service}`;
      return url.toString();
    }),
    serviceUrls: byService(
      (service, upper) => (env[`${upper}_URL`] || `http://127.0.0.1:${env[`${upper}_PORT`] || defaultPorts[service]}`).replace(/\/+$/, ''),
    ),
    token: env.BILLING_TOKEN || undefined,
    environment: env.NODE_ENV || 'development',
  };
}
