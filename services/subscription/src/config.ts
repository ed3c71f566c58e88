// The subscription service's configuration: the common service variables with its own defaults,
// the bearer-token settings, and the termination and scheduling settings.
import { authConfigSchema } from '@billing/auth';
import { serviceConfigSchema } from '@billing/platform';
import { z } from 'zod';

export const subscriptionConfigSchema = serviceConfigSchema({ port: 3002, database: 'billing_subscription' })
  .extend(authConfigSchema.shape)
  .extend({
    /**
     * Keys the termination tokens (HMAC-SHA256 of the request id): the store keeps only their
     * SHA-256, the notification event carries the token. Required in production.
     */
    TERMINATION_TOKEN_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    TERMINATION_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(48),
    /** How often due terminations (expiration, engagement end, deleteAtExpiration, legacy) are looked for. */
    TERMINATION_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
    /** The contract a legacy service's customer accepts in one click. */
    CONTRACT_VERSION: z.string().min(1).default('2026-01'),
    /** Services appended per multi-stream append of the legacy import. */
    IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
    /**
     * How long the broker waits for a silent consumer (a killed replica, or one that crashed
     * without leaving its group) before the others may rejoin without it: a booting replica
     * waits that long at worst. At least the broker's group.min.session.timeout.ms (6 s).
     */
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(10_000),
  });

export type SubscriptionConfig = z.infer<typeof subscriptionConfigSchema>;
