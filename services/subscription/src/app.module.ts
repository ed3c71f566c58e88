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
import { TerminationTokens } from './commands/termination-tokens';
import type { SubscriptionConfig } from './config';
import { subscriptionMigrations } from './database/migrations';
import { serviceMessages } from './publishing/service-messages';
import { ReactionsModule } from './reactions/reactions.module';
import { AutorenewSetting } from './read-models/autorenew-settings/autorenew-setting.entity';
import { ServiceRecord } from './read-models/services/service-record.entity';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SubscriptionSettingsModule } from './subscription-settings';
import { SubscriptionTopicsModule, subscriptionTopicsOf } from './subscription-topics';

@Module({})
export class AppModule {
  static register(config: SubscriptionConfig): DynamicModule {
    const topics = subscriptionTopicsOf(config);
    const tokens = TerminationTokens.fromConfig(config.TERMINATION_TOKEN_SECRET, config.NODE_ENV);
    return {
      module: AppModule,
      imports: [
        loggingModule('subscription', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'subscription',
          entities: [ServiceRecord, AutorenewSetting],
          migrations: subscriptionMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('subscription'),
        ClockModule.forRoot(config.NODE_ENV),
        TestClockModule.forService('subscription', config),
        OperatorProjectionsModule,
        AuthModule.forRoot(config, config.NODE_ENV),
        SubscriptionTopicsModule.forRoot(config),
        SubscriptionSettingsModule.forRoot(config, tokens),
        EventSourcingModule.forRoot({ service: 'subscription', topic: topics.services, kafkaBrokers: config.KAFKA_BROKERS, toMessages: serviceMessages(tokens) }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'subscription',
          // consumer groups are namespaced like the topics, so isolated runs never share a group
          groupId: topicName(config, 'subscription'),
          // the service's own topic: the relay publishes to it and the services projection reads it
          topics: [topics.services],
          consumer: { sessionTimeoutMs: config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS },
          reactionLanes: config.KAFKA_REACTION_LANES,
          metricsRegistryToken: METRICS_REGISTRY,
        }),
        ApiModule,
        ReactionsModule,
        SchedulingModule,
      ],
    };
  }
}
