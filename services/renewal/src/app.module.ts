import { Module, type DynamicModule } from '@nestjs/common';
import { databaseModule, HealthModule, loggingModule, MetricsModule } from '@billing/platform';
import type { RenewalConfig } from './config';
import { renewalMigrations } from './database/migrations';

@Module({})
export class AppModule {
  static register(config: RenewalConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule('renewal', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'renewal',
          migrations: renewalMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('renewal'),
      ],
    };
  }
}
