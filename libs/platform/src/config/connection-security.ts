// Turns the TLS/SASL variables into the options kafkajs and pg take, and applies them to every
// client the process creates. Rules the schema cannot express field by field (a mechanism needs
// a user and a password, a certificate needs its key) and unreadable files fail the boot with one
// line that names the variable.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { useKafkaConnectionSecurity, type KafkaConnectionSecurity } from '@billing/messaging';
import type { SASLOptions } from 'kafkajs';
import { usePostgresSsl, type PostgresTls } from '../database/postgres-ssl';
import { ConfigurationError, type ServiceConfig } from './config';

type SecurityConfig = Pick<
  ServiceConfig,
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SSL_REJECT_UNAUTHORIZED'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'DATABASE_SSL_MODE'
  | 'DATABASE_SSL_CA_FILE'
  | 'DATABASE_SSL_CERT_FILE'
  | 'DATABASE_SSL_KEY_FILE'
>;

export type ReadFile = (path: string) => string;

const readText: ReadFile = (path) => readFileSync(path, 'utf8');

function pem(variable: string, path: string | undefined, read: ReadFile, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    return read(path);
  } catch (error) {
    problems.push(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
}

function certificateAndKey(prefix: 'KAFKA_SSL' | 'DATABASE_SSL', config: SecurityConfig, read: ReadFile, problems: string[]): Pick<ConnectionOptions, 'cert' | 'key'> {
  const certFile = config[`${prefix}_CERT_FILE`];
  const keyFile = config[`${prefix}_KEY_FILE`];
  if (!!certFile !== !!keyFile) problems.push(`${prefix}_${certFile ? 'KEY' : 'CERT'}_FILE is required with ${prefix}_${certFile ? 'CERT' : 'KEY'}_FILE`);
  const cert = pem(`${prefix}_CERT_FILE`, certFile, read, problems);
  const key = pem(`${prefix}_KEY_FILE`, keyFile, read, problems);
  return { ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

function sasl(config: SecurityConfig, problems: string[]): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  if (!mechanism) {
    if (username || password) problems.push('KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    return undefined;
  }
  if (!username) problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (!password) problems.push(`KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  return { mechanism, username: username ?? '', password: password ?? '' } as SASLOptions;
}

/** The kafkajs `ssl` and `sasl` options; throws a ConfigurationError naming each problem. */
export function kafkaSecurityOf(config: SecurityConfig, read: ReadFile = readText): KafkaConnectionSecurity {
  const problems: string[] = [];
  const tlsFiles = !!(config.KAFKA_SSL_CA_FILE || config.KAFKA_SSL_CERT_FILE || config.KAFKA_SSL_KEY_FILE);
  if (config.KAFKA_SSL === false && tlsFiles) problems.push('KAFKA_SSL: is false but KAFKA_SSL_*_FILE are set');
  const useTls = config.KAFKA_SSL === true || tlsFiles;
  const ca = pem('KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE, read, problems);
  const identity = certificateAndKey('KAFKA_SSL', config, read, problems);
  const saslOptions = sasl(config, problems);
  if (problems.length) throw new ConfigurationError(problems);
  const tls: ConnectionOptions = { rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED, ...(ca ? { ca: [ca] } : {}), ...identity };
  return {
    ...(useTls ? { ssl: Object.keys(tls).length === 1 && tls.rejectUnauthorized ? true : tls } : {}),
    ...(saslOptions ? { sasl: saslOptions } : {}),
  };
}

/** pg's `ssl` option for DATABASE_SSL_MODE, as libpq reads sslmode; undefined when disabled. */
export function postgresSslOf(config: SecurityConfig, read: ReadFile = readText): PostgresTls | undefined {
  const problems: string[] = [];
  const mode = config.DATABASE_SSL_MODE;
  if (mode === 'disable') {
    const set = (['DATABASE_SSL_CA_FILE', 'DATABASE_SSL_CERT_FILE', 'DATABASE_SSL_KEY_FILE'] as const).filter((name) => config[name]);
    if (set.length) throw new ConfigurationError([`DATABASE_SSL_MODE: is disable but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set`]);
    return undefined;
  }
  const ca = pem('DATABASE_SSL_CA_FILE', config.DATABASE_SSL_CA_FILE, read, problems);
  const identity = certificateAndKey('DATABASE_SSL', config, read, problems);
  if (problems.length) throw new ConfigurationError(problems);
  const verified = mode !== 'require';
  return {
    rejectUnauthorized: verified,
    ...(ca ? { ca } : {}),
    ...identity,
    // verify-ca trusts any name the CA signed for; verify-full also checks it is the host's
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** Applies the settings to every Kafka and PostgreSQL client the process creates from now on. */
export function applyConnectionSecurity(config: SecurityConfig, read: ReadFile = readText): void {
  const kafka = kafkaSecurityOf(config, read);
  const postgres = postgresSslOf(config, read);
  useKafkaConnectionSecurity(kafka);
  usePostgresSsl(postgres);
}
