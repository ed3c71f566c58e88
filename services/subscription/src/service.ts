// The subscription service as the platform boots it.
import type { ServiceDefinition } from '@billing/platform';
import { AppModule } from './app.module';
import { subscriptionConfigSchema } from './config';

export const subscriptionService: ServiceDefinition<typeof subscriptionConfigSchema> = {
  name: 'subscription',
  description: 'Services customers hold: lifecycle, renew settings, engagement, termination, plan changes.',
  configSchema: subscriptionConfigSchema,
  module: (config) => AppModule.register(config),
};
