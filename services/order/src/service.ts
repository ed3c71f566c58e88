// The order service as the platform boots it.
import type { ServiceDefinition } from '@billing/platform';
import { AppModule } from './app.module';
import { orderConfigSchema } from './config';

export const orderService: ServiceDefinition<typeof orderConfigSchema> = {
  name: 'order',
  description: 'One-click ordering: catalog pricing, dry runs, orders and their lifecycle.',
  configSchema: orderConfigSchema,
  module: (config) => AppModule.register(config),
};
