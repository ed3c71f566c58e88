// The renewal service's configuration: the common service variables, the bearer-token settings,
// and the renewal policy (when invoices are requested, the dunning schedule, the grace period)
// with the scheduler's pace.
import { authConfigSchema } from '@billing/auth';
import { serviceConfigSchema } from '@billing/platform';
import { z } from 'zod';

const days = (max: number) => z.coerce.number({ message: 'expected a number of days' }).int('expected whole days').min(0).max(max);

/** `1,3,7`: days after the first failed payment on which it is attempted again, increasing. */
const dunningRetryDaysSchema = z
  .string()
  .trim()
  .transform((value) => (value === '' ? [] : value.split(',').map((day) => Number(day.trim()))))
  .refine((values) => values.every((day) => Number.isInteger(day) && day > 0 && day <= 60), { message: 'expected comma-separated whole days from 1 to 60' })
  .refine((values) => values.every((day, index) => index === 0 || day > values[index - 1]), { message: 'expected increasing days' });

export const renewalConfigSchema = serviceConfigSchema({ port: 3003, database: 'billing_renewal' })
  .extend(authConfigSchema.shape)
  .extend({
    /** Pause between two scheduler runs of this process; 0 turns the loop off (runs on demand only). */
    RENEWAL_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
    /** Terms claimed per transaction (`FOR UPDATE SKIP LOCKED … LIMIT n`). */
    RENEWAL_SCHEDULER_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
    /** Terms of a batch stepped at once (each holds one connection of the scheduler's own pool). */
    RENEWAL_SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    /** Without an account renew day, the renewal invoice is requested this many days before expiration. */
    RENEWAL_INVOICE_LEAD_DAYS: days(30).default(7),
    RENEWAL_DUNNING_RETRY_DAYS: dunningRetryDaysSchema.default([1, 3, 7]),
    /** Days after an unpaid expiration until the service is suspended (`rupture`). */
    RENEWAL_PAYMENT_DEADLINE_DAYS: days(60).default(7),
    /** Days after an unpaid expiration until the service is terminated. */
    RENEWAL_GRACE_DAYS: days(365).default(30),
  })
  .refine((config) => config.RENEWAL_GRACE_DAYS > config.RENEWAL_PAYMENT_DEADLINE_DAYS, {
    path: ['RENEWAL_GRACE_DAYS'],
    message: 'expected more days than RENEWAL_PAYMENT_DEADLINE_DAYS',
  });

export type RenewalConfig = z.infer<typeof renewalConfigSchema>;
