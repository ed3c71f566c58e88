import { Module, type DynamicModule } from '@nestjs/common';
import { databaseModule, HealthModule, loggingModule, MetricsModule } from '@billing/platform';
import type { OrderConfig } from './config';
import { orderMigrations } from './database/migrations';

@Module({})
export class AppModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule('order', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'order',
          migrations: orderMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('order'),
      ],
    };
  }
}
