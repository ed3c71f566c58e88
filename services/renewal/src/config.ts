// The renewal service's configuration: the common service variables with its own defaults.
import { serviceConfigSchema } from '@billing/platform';
import type { z } from 'zod';

export const renewalConfigSchema = serviceConfigSchema({ port: 3003, database: 'billing_renewal' });

export type RenewalConfig = z.infer<typeof renewalConfigSchema>;
