import { Module, type DynamicModule } from '@nestjs/common';
import { databaseModule, HealthModule, loggingModule, MetricsModule } from '@billing/platform';
import type { InvoicingConfig } from './config';
import { invoicingMigrations } from './database/migrations';

@Module({})
export class AppModule {
  static register(config: InvoicingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule('invoicing', config.LOG_LEVEL, config.LOG_PRETTY),
        databaseModule({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'invoicing',
          migrations: invoicingMigrations,
        }),
        HealthModule.forService({ kafkaBrokers: config.KAFKA_BROKERS }),
        MetricsModule.forService('invoicing'),
      ],
    };
  }
}
