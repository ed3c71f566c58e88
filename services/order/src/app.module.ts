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
import type { OrderConfig } from './config';
import { orderMigrations } from './database/migrations';
import { OrderTopicsModule } from './order-topics.module';
import { orderTopicsOf } from './order-topics';
import { orderMessages } from './publishing/order-messages';
import { ReactionsModule } from './reactions/reactions.module';
import { OrderRecord } from './read-models/orders/order-record.entity';

@Module({})
export class AppModule {
  static register(config: OrderConfig): DynamicModule {
    const topics = orderTopicsOf(config);
    return {
      module: AppModule,
      imports: [
        loggingModule('order', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'order',
          entities: [OrderRecord],
          migrations: orderMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('order'),
        ClockModule.forRoot(config.NODE_ENV),
        // outside production, one POST /operator/clock moves the clock of every service
        TestClockModule.forService('order', config),
        OperatorProjectionsModule,
        AuthModule.forRoot(config, config.NODE_ENV),
        OrderTopicsModule.forRoot(config),
        EventSourcingModule.forRoot({ service: 'order', topic: topics.orders, kafkaBrokers: config.KAFKA_BROKERS, toMessages: orderMessages }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'order',
          // consumer groups are namespaced like the topics, so isolated runs never share a group
          groupId: topicName(config, 'order'),
          // the service's own topic: the relay publishes to it and the orders projection reads it
          topics: [topics.orders],
          reactionLanes: config.KAFKA_REACTION_LANES,
          metricsRegistryToken: METRICS_REGISTRY,
        }),
        ApiModule,
        ReactionsModule,
      ],
    };
  }
}
