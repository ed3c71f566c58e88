// The order service's configuration: the common service variables with its own defaults, and
// the bearer-token settings.
import { authConfigSchema } from '@billing/auth';
import { serviceConfigSchema } from '@billing/platform';
import type { z } from 'zod';

export const orderConfigSchema = serviceConfigSchema({ port: 3001, database: 'billing_order' }).extend(authConfigSchema.shape);

export type OrderConfig = z.infer<typeof orderConfigSchema>;
