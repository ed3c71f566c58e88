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
import type { RenewalConfig } from './config';
import { renewalMigrations } from './database/migrations';
import { renewalMessages } from './publishing/renewal-messages';
import { ReactionsModule } from './reactions/reactions.module';
import { renewalTopicsOf } from './renewal-policy';
import { RenewalSettingsModule } from './renewal-settings.module';
import { scheduleEntities } from './schedule/schedule-records';

@Module({})
export class AppModule {
  static register(config: RenewalConfig): DynamicModule {
    const topics = renewalTopicsOf(config);
    return {
      module: AppModule,
      imports: [
        loggingModule('renewal', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'renewal',
          entities: scheduleEntities,
          migrations: renewalMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('renewal'),
        ClockModule.forRoot(config.NODE_ENV),
        TestClockModule.forService('renewal', config),
        OperatorProjectionsModule,
        AuthModule.forRoot(config, config.NODE_ENV),
        RenewalSettingsModule.forRoot(config),
        EventSourcingModule.forRoot({ service: 'renewal', topic: topics.renewals, kafkaBrokers: config.KAFKA_BROKERS, toMessages: renewalMessages }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'renewal',
          // consumer groups are namespaced like the topics, so isolated runs never share a group
          groupId: topicName(config, 'renewal'),
          // the service's own topic: the relay publishes to it
          topics: [topics.renewals],
          reactionLanes: config.KAFKA_REACTION_LANES,
          metricsRegistryToken: METRICS_REGISTRY,
        }),
        ReactionsModule,
        ApiModule,
      ],
    };
  }
}
