import { Module, type DynamicModule } from '@nestjs/common';
import { databaseModule, HealthModule, loggingModule, MetricsModule } from '@billing/platform';
import type { SubscriptionConfig } from './config';
import { subscriptionMigrations } from './database/migrations';

@Module({})
export class AppModule {
  static register(config: SubscriptionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule('subscription', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'subscription',
          migrations: subscriptionMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('subscription'),
      ],
    };
  }
}
