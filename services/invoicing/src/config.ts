// The invoicing service's configuration: the common service variables with its own defaults.
import { serviceConfigSchema } from '@billing/platform';
import type { z } from 'zod';

export const invoicingConfigSchema = serviceConfigSchema({ port: 3004, database: 'billing_invoicing' });

export type InvoicingConfig = z.infer<typeof invoicingConfigSchema>;
