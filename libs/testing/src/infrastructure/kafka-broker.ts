// Controls the local Kafka broker through the scripts in docker/kafka, so tests start it when
// needed and can stop it to prove how the services behave without it.
import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = path.resolve(__dirname, '../../../../docker/kafka');

async function script(name: string, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('bash', [path.join(scripts, name)], { timeout: timeoutMs, env: process.env });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${name} failed: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

/** Starts the broker (a no-op when it runs already, or when KAFKA_BROKERS names another cluster). */
export function startKafkaBroker(): Promise<string> {
  return script('kafka-start.sh', 180_000);
}

/** Controlled shutdown of the local broker. */
export function stopKafkaBroker(): Promise<string> {
  return script('kafka-stop.sh', 60_000);
}

/**
 * True when the broker under test was started by this checkout's scripts, so a test may stop
 * and restart it (not when KAFKA_BROKERS names a cluster, nor for a broker someone else runs).
 */
export function brokerManagedHere(): boolean {
  if (process.env.KAFKA_BROKERS) return false;
  return spawnSync('bash', [path.join(scripts, 'kafka-status.sh')], { stdio: 'ignore' }).status === 0;
}
