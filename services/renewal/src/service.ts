// The renewal service as the platform boots it.
import type { ServiceDefinition } from '@billing/platform';
import { AppModule } from './app.module';
import { renewalConfigSchema } from './config';

export const renewalService: ServiceDefinition<typeof renewalConfigSchema> = {
  name: 'renewal',
  description: 'Renewal schedule, reminders, renewal invoicing requests, dunning, forecast and renew day.',
  configSchema: renewalConfigSchema,
  module: (config) => AppModule.register(config),
};
