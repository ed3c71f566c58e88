// The benches' Kafka broker: started when none runs, and then stopped when the bench exits, so a
// bench leaves the machine as it found it, as .ci/run does (a broker holds a gigabyte of memory).
// A broker that was running already, or another cluster named by KAFKA_BROKERS, is left alone;
// BENCH_KEEP_BROKER=1 keeps the one started here, for a series of benches. Stopped on the
// process's exit (process.exit included), not when a signal kills it.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { startKafkaBroker } from '@billing/testing';

const scripts = path.resolve(__dirname, '../docker/kafka');

function brokerRunning(): boolean {
  try {
    execFileSync('bash', [path.join(scripts, 'kafka-status.sh')], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export async function startBenchBroker(): Promise<void> {
  const wasRunning = process.env.KAFKA_BROKERS !== undefined || brokerRunning();
  await startKafkaBroker();
  if (wasRunning || process.env.BENCH_KEEP_BROKER === '1') return;
  process.once('exit', () => {
    try {
      execFileSync('bash', [path.join(scripts, 'kafka-stop.sh')], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      process.stderr.write('the Kafka broker this bench started could not be stopped: bash docker/kafka/kafka-stop.sh\n');
    }
  });
}
