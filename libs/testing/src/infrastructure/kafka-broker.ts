// Starts the local Kafka broker through the scripts in docker/kafka when the tests need it. A test
// that stops a broker stops one of its own (PrivateBroker), never this shared one.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = path.resolve(__dirname, '../../../../docker/kafka');

/** The scripts' git-ignored cache: the shared broker's state, and private brokers' by default. */
export const kafkaScriptsCache = path.join(scripts, '.cache');

/** Runs one of docker/kafka's scripts; a failure carries what the script printed. */
export async function runKafkaScript(name: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('bash', [path.join(scripts, name)], { timeout: timeoutMs, env });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${name} failed: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

/** Starts the broker (a no-op when it runs already, or when KAFKA_BROKERS names another cluster). */
export function startKafkaBroker(): Promise<string> {
  return runKafkaScript('kafka-start.sh', process.env, 180_000);
}
