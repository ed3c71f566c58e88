// The invoicing service as the platform boots it.
import type { ServiceDefinition } from '@billing/platform';
import { AppModule } from './app.module';
import { invoicingConfigSchema } from './config';

export const invoicingService: ServiceDefinition<typeof invoicingConfigSchema> = {
  name: 'invoicing',
  description: 'Customer accounts, invoices, tax, number series, payments, credit notes and debt.',
  configSchema: invoicingConfigSchema,
  module: (config) => AppModule.register(config),
};
