import { z } from 'zod';
import { ConfigurationError, loadConfig, serviceConfigSchema } from './config';

describe('service configuration', () => {
  const schema = serviceConfigSchema({ port: 3001, database: 'billing_order' });

  it('fills the defaults of a local run', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({
      PORT: 3001,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/billing_order',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      NODE_ENV: 'development',
    });
  });

  it('reads a broker list and a port from the environment', () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092', PORT: '8080' });
    expect(config.KAFKA_BROKERS).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(config.PORT).toBe(8080);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { PORT: '' }).PORT).toBe(3001);
  });

  it.each([
    [{ KAFKA_BROKERS: 'nonsense' }, 'KAFKA_BROKERS: expected a comma-separated list of host:port (got "nonsense")'],
    [{ PORT: 'eighty' }, 'PORT: expected a port number (got "eighty")'],
    [{ PORT: '70000' }, 'PORT: expected a port between 1 and 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: expected postgres://user@host:port/database (got "mysql://x")'],
    [{ LOG_PRETTY: 'yes' }, 'LOG_PRETTY: expected true or false (got "yes")'],
  ])('names the variable that is wrong: %j', (env, message) => {
    expect(() => loadConfig(schema, env)).toThrow(new ConfigurationError([message]));
  });

  it('never echoes a secret: neither a secret variable nor the password of a URL', () => {
    const secrets = serviceConfigSchema({ port: 3001, database: 'billing_order' }).extend({ AUTH_JWT_SECRET: z.string().min(32, 'expected at least 32 characters') });
    expect(() => loadConfig(secrets, { AUTH_JWT_SECRET: 'too-short-but-secret' })).toThrow(new ConfigurationError(['AUTH_JWT_SECRET: expected at least 32 characters']));
    expect(() => loadConfig(schema, { DATABASE_URL: 'mysql://billing:Sup3rS3cret@db/x' })).toThrow(
      new ConfigurationError(['DATABASE_URL: expected postgres://user@host:port/database (got "mysql://billing:[redacted]@db/x")']),
    );
  });

  it('lists every wrong variable at once', () => {
    expect(() => loadConfig(schema, { PORT: 'x', KAFKA_BROKERS: 'y' })).toThrow(/PORT: .*; KAFKA_BROKERS: /);
  });
});
