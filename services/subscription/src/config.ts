// The subscription service's configuration: the common service variables with its own defaults.
import { serviceConfigSchema } from '@billing/platform';
import type { z } from 'zod';

export const subscriptionConfigSchema = serviceConfigSchema({ port: 3002, database: 'billing_subscription' });

export type SubscriptionConfig = z.infer<typeof subscriptionConfigSchema>;
