import { kafkaClientConfig, kafkaConnectionSecurity, useKafkaConnectionSecurity } from '@billing/messaging';
import { postgresSsl, usePostgresSsl } from '../database/postgres-ssl';
import { dataSourceOptions } from '../database/database';
import { ConfigurationError, loadConfig, serviceConfigSchema } from './config';
import { applyConnectionSecurity, kafkaSecurityOf, postgresSslOf } from './connection-security';

const schema = serviceConfigSchema({ port: 3001, database: 'billing_order' });
const files: Record<string, string> = {
  '/etc/kafka/ca.pem': 'KAFKA CA',
  '/etc/kafka/client.pem': 'KAFKA CERT',
  '/etc/kafka/client.key': 'KAFKA KEY',
  '/etc/pg/root.crt': 'PG CA',
  '/etc/pg/client.crt': 'PG CERT',
  '/etc/pg/client.key': 'PG KEY',
};
const read = (path: string): string => {
  if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return files[path];
};
const configOf = (env: Record<string, string>) => loadConfig(schema, env);

describe('connection security configuration', () => {
  afterEach(() => {
    useKafkaConnectionSecurity({});
    usePostgresSsl(undefined);
  });

  describe('given no TLS or SASL variable (a local run)', () => {
    it('connects to Kafka and PostgreSQL in plain text', () => {
      const config = configOf({});
      expect(kafkaSecurityOf(config, read)).toEqual({});
      expect(postgresSslOf(config, read)).toBeUndefined();
      expect(config).toMatchObject({ DATABASE_SSL_MODE: 'disable', KAFKA_SSL_REJECT_UNAUTHORIZED: true });
    });
  });

  describe('Kafka', () => {
    it('turns TLS on with the system CAs for KAFKA_SSL=true', () => {
      expect(kafkaSecurityOf(configOf({ KAFKA_SSL: 'true' }), read)).toEqual({ ssl: true });
    });

    it('reads the CA, client certificate and key, which imply TLS', () => {
      const security = kafkaSecurityOf(
        configOf({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' }),
        read,
      );
      expect(security).toEqual({ ssl: { rejectUnauthorized: true, ca: ['KAFKA CA'], cert: 'KAFKA CERT', key: 'KAFKA KEY' } });
    });

    it('may accept an unverified broker certificate when told so', () => {
      expect(kafkaSecurityOf(configOf({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }), read)).toEqual({ ssl: { rejectUnauthorized: false } });
    });

    it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('authenticates with SASL %s', (mechanism) => {
      const security = kafkaSecurityOf(configOf({ KAFKA_SSL: '1', KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'billing', KAFKA_SASL_PASSWORD: 's3cret' }), read);
      expect(security).toEqual({ ssl: true, sasl: { mechanism, username: 'billing', password: 's3cret' } });
    });

    it.each([
      [{ KAFKA_SASL_MECHANISM: 'scram-sha-512' }, 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=scram-sha-512; KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM=scram-sha-512'],
      [{ KAFKA_SASL_USERNAME: 'billing', KAFKA_SASL_PASSWORD: 'x' }, 'KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD'],
      [{ KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem' }, 'KAFKA_SSL_KEY_FILE is required with KAFKA_SSL_CERT_FILE'],
      [{ KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' }, 'KAFKA_SSL_CA_FILE: cannot read /nowhere/ca.pem (ENOENT)'],
      [{ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }, 'KAFKA_SSL: is false but KAFKA_SSL_*_FILE are set'],
    ])('refuses an incomplete setting, naming the variable: %j', (env, message) => {
      expect(() => kafkaSecurityOf(configOf(env), read)).toThrow(new ConfigurationError(message.split('; ')));
    });

    it('refuses an unknown mechanism when the environment is read', () => {
      expect(() => configOf({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow('KAFKA_SASL_MECHANISM: expected plain, scram-sha-256 or scram-sha-512 (got "gssapi")');
    });

    it('gives every client created afterwards the settings', () => {
      applyConnectionSecurity(configOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), read);
      expect(kafkaConnectionSecurity()).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
      expect(kafkaClientConfig({ clientId: 'health', brokers: ['kafka-0:9093'] })).toEqual({
        clientId: 'health',
        brokers: ['kafka-0:9093'],
        ssl: true,
        sasl: { mechanism: 'plain', username: 'u', password: 'p' },
      });
    });
  });

  describe('PostgreSQL', () => {
    it('encrypts without verifying for require', () => {
      expect(postgresSslOf(configOf({ DATABASE_SSL_MODE: 'require' }), read)).toEqual({ rejectUnauthorized: false });
    });

    it('verifies the server against the CA, but not its name, for verify-ca', () => {
      const ssl = postgresSslOf(configOf({ DATABASE_SSL_MODE: 'verify-ca', DATABASE_SSL_CA_FILE: '/etc/pg/root.crt' }), read);
      expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: 'PG CA' });
      expect(ssl?.checkServerIdentity?.('db.internal', {} as never)).toBeUndefined();
    });

    it('verifies the CA and the host name, with a client certificate, for verify-full', () => {
      const ssl = postgresSslOf(
        configOf({ DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: '/etc/pg/root.crt', DATABASE_SSL_CERT_FILE: '/etc/pg/client.crt', DATABASE_SSL_KEY_FILE: '/etc/pg/client.key' }),
        read,
      );
      expect(ssl).toEqual({ rejectUnauthorized: true, ca: 'PG CA', cert: 'PG CERT', key: 'PG KEY' });
    });

    it.each([
      [{ DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_KEY_FILE: '/etc/pg/client.key' }, 'DATABASE_SSL_CERT_FILE is required with DATABASE_SSL_KEY_FILE'],
      [{ DATABASE_SSL_MODE: 'verify-ca', DATABASE_SSL_CA_FILE: '/missing.crt' }, 'DATABASE_SSL_CA_FILE: cannot read /missing.crt (ENOENT)'],
      [{ DATABASE_SSL_CA_FILE: '/etc/pg/root.crt' }, 'DATABASE_SSL_MODE: is disable but DATABASE_SSL_CA_FILE is set'],
    ])('refuses an inconsistent setting, naming the variable: %j', (env, message) => {
      expect(() => postgresSslOf(configOf(env), read)).toThrow(new ConfigurationError([message]));
    });

    it('refuses an unknown sslmode when the environment is read', () => {
      expect(() => configOf({ DATABASE_SSL_MODE: 'prefer' })).toThrow('DATABASE_SSL_MODE: expected disable, require, verify-ca or verify-full (got "prefer")');
    });

    it('puts the TLS options on the TypeORM pool once applied, and nothing when disabled', () => {
      const database = { url: 'postgres://u@db/x', poolSize: 2, applicationName: 'test' };
      expect(dataSourceOptions(database)).not.toHaveProperty('ssl');
      applyConnectionSecurity(configOf({ DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: '/etc/pg/root.crt' }), read);
      expect(postgresSsl()).toEqual({ rejectUnauthorized: true, ca: 'PG CA' });
      expect(dataSourceOptions(database)).toMatchObject({ ssl: { rejectUnauthorized: true, ca: 'PG CA' } });
    });
  });
});
