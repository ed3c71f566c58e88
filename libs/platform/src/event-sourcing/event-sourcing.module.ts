// Wires a service's write side: its PostgreSQL event store (on the service's TypeORM
// DataSource) and the outbox relay that publishes the store to the service's public topic.
// The relay starts once the application is up and stops before the database closes.
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OutboxRelay, PostgresEventStore, type OutboxMessageMapper, type RelayLogger, type Upcaster } from '@billing/eventsourcing';
import { kafkaClient } from '@billing/messaging';
import { logLevel } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRICS_REGISTRY } from '../metrics/metrics';

/** Injection token of the service's EventStore (a PostgresEventStore). */
export const EVENT_STORE = Symbol('EVENT_STORE');
const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');

export interface EventSourcingOptions {
  /** The service name: names the relay's checkpoint row, lock and metrics. */
  service: string;
  /** The topic the relay publishes to (the service's public topic, namespaced). */
  topic: string;
  kafkaBrokers: string[];
  /** Domain events → integration events; default: publish every event as stored. */
  toMessages?: OutboxMessageMapper;
  upcasters?: readonly Upcaster[];
  /** Off for tools that only read or write the store (imports, rebuilds). */
  relay?: boolean;
}

function relayLogger(logger: Logger): RelayLogger {
  return {
    info: (details, message) => logger.log({ ...details, msg: message }),
    warn: (details, message) => logger.warn({ ...details, msg: message }),
    error: (details, message) => logger.error({ ...details, msg: message }),
  };
}

@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(@Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null) {}

  onApplicationBootstrap(): void {
    void this.startRelay(1);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.relay?.stop();
  }

  // A broker that is still loading (or briefly away) at boot must not kill the service: the
  // events wait in the store, and the relay starts as soon as the broker answers.
  private async startRelay(attempt: number): Promise<void> {
    if (!this.relay || this.stopped) return;
    try {
      await this.relay.start();
    } catch (error) {
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      this.logger.warn({ msg: 'outbox relay could not start; retrying', attempt, delayMs, error: (error as Error).message });
      await this.relay.stop().catch(() => undefined);
      this.retry = setTimeout(() => void this.startRelay(attempt + 1), delayMs);
    }
  }
}

@Module({})
export class EventSourcingModule {
  static forRoot(options: EventSourcingOptions): DynamicModule {
    return {
      module: EventSourcingModule,
      global: true,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresEventStore(dataSource, { upcasters: options.upcasters }),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [EVENT_STORE, { token: METRICS_REGISTRY, optional: true }],
          useFactory: (store: PostgresEventStore, registry?: Registry) =>
            options.relay === false
              ? null
              : new OutboxRelay({
                  name: options.service,
                  store,
                  topic: options.topic,
                  toMessages: options.toMessages,
                  kafka: kafkaClient({ clientId: `${options.service}-relay`, brokers: options.kafkaBrokers, logLevel: logLevel.ERROR }),
                  registry,
                  logger: relayLogger(new Logger('OutboxRelay')),
                }),
        },
        OutboxRelayLifecycle,
      ],
      exports: [EVENT_STORE],
    };
  }
}
