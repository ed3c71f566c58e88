// An outbox relay in a process of its own, for the crash test: the test SIGKILLs it mid-stream
// and starts another. SIGTERM stops it cleanly, as a service's shutdown would.
import { testKafka } from '@billing/testing';
import { Pool } from 'pg';
import { OutboxRelay, PostgresEventStore } from '../src';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.RELAY_DATABASE_URL, max: 3 });
  const relay = new OutboxRelay({
    name: process.env.RELAY_NAME ?? 'crash-test',
    store: new PostgresEventStore(pool),
    kafka: testKafka('outbox-relay-process'),
    topic: process.env.RELAY_TOPIC!,
    batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 50),
    pollIntervalMs: 50,
    standbyRetryMs: 100,
  });
  process.once('SIGTERM', () => {
    void relay
      .stop()
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
  await relay.start();
  process.stdout.write('relay started\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
