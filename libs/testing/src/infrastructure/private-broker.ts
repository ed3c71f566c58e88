// A Kafka broker of a test's or a run's own (docker/kafka scripts with KAFKA_STATE_DIR and other
// ports): what stops and restarts a broker (the chaos run, the health suites' outage) must never
// disturb the broker that every other test shares, in this process or in another project's.
import { runKafkaScript } from './kafka-broker';

export interface PrivateBrokerOptions {
  port: number;
  controllerPort: number;
  /** Data, config, log and pid of this broker. */
  stateDir: string;
}

export class PrivateBroker {
  constructor(private readonly options: PrivateBrokerOptions) {}

  get brokers(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  /** Starts it on fresh data (`clean`) or on what it had (a restart after {@link stop}). */
  async start(clean = false): Promise<void> {
    await this.script('kafka-start.sh', { KAFKA_CLEAN: clean ? '1' : '0' }, 180_000);
  }

  /** A controlled shutdown (SIGTERM), as an operator or a rolling restart does. */
  async stop(): Promise<void> {
    await this.script('kafka-stop.sh', {}, 60_000);
  }

  private async script(name: string, extra: Record<string, string>, timeoutMs: number): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_PORT: String(this.options.port),
      KAFKA_CONTROLLER_PORT: String(this.options.controllerPort),
      KAFKA_STATE_DIR: this.options.stateDir,
      // the shared class-data archive is written by the first broker to stop: not ours to race
      KAFKA_CDS: '0',
      ...extra,
    };
    // the scripts only wait for a cluster named by KAFKA_BROKERS; this one they must run
    delete env.KAFKA_BROKERS;
    await runKafkaScript(name, env, timeoutMs);
  }
}
