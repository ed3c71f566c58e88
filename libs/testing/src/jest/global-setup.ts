// Jest global setup for suites that need real infrastructure: PostgreSQL must answer, and the
// Kafka broker is started when it is not running (or the external cluster must answer).
import { assertPostgresReachable, dropStaleTestDatabases } from '../infrastructure/postgres';
import { startKafkaBroker } from '../infrastructure/kafka-broker';

export default async function globalSetup(): Promise<void> {
  await assertPostgresReachable();
  await dropStaleTestDatabases();
  const output = await startKafkaBroker();
  if (process.env.TEST_VERBOSE_INFRA) process.stdout.write(output);
}
