// The order service's configuration: the common service variables with its own defaults.
import { serviceConfigSchema } from '@billing/platform';
import type { z } from 'zod';

export const orderConfigSchema = serviceConfigSchema({ port: 3001, database: 'billing_order' });

export type OrderConfig = z.infer<typeof orderConfigSchema>;
