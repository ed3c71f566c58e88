import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@billing/auth';
import { MessagingModule } from '@billing/messaging';
import {
  ClockModule,
  databaseModule,
  EventSourcingModule,
  HealthModule,
  loggingModule,
  METRICS_REGISTRY,
  MetricsModule,
  OperatorProjectionsModule,
  TestClockModule,
  topicName,
} from '@billing/platform';
import { ApiModule } from './api/api.module';
import type { InvoicingConfig } from './config';
import { invoicingMigrations } from './database/migrations';
import { InvoicingSettingsModule, invoicingSettingsOf } from './invoicing-settings';
import { invoicingMessages } from './publishing/invoicing-messages';
import { ReactionsModule } from './reactions/reactions.module';
import { BillRecord } from './read-models/bills/bill-record.entity';

@Module({})
export class AppModule {
  static register(config: InvoicingConfig): DynamicModule {
    const { topics } = invoicingSettingsOf(config);
    return {
      module: AppModule,
      imports: [
        loggingModule('invoicing', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'invoicing',
          entities: [BillRecord],
          migrations: invoicingMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('invoicing'),
        ClockModule.forRoot(config.NODE_ENV),
        // outside production, one POST /operator/clock moves the clock of every service
        TestClockModule.forService('invoicing', config),
        OperatorProjectionsModule,
        AuthModule.forRoot(config, config.NODE_ENV),
        InvoicingSettingsModule.forRoot(config),
        EventSourcingModule.forRoot({ service: 'invoicing', topic: topics.invoices, kafkaBrokers: config.KAFKA_BROKERS, toMessages: invoicingMessages }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'invoicing',
          // consumer groups are namespaced like the topics, so isolated runs never share a group
          groupId: topicName(config, 'invoicing'),
          // the service's own topic: the relay publishes to it and the bills projection reads it
          topics: [topics.invoices],
          consumer: {
            sessionTimeoutMs: config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
            heartbeatIntervalMs: Math.min(3_000, Math.floor(config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS / 3)),
          },
          reactionLanes: config.KAFKA_REACTION_LANES,
          metricsRegistryToken: METRICS_REGISTRY,
        }),
        ApiModule,
        ReactionsModule,
      ],
    };
  }
}
