// The invoicing service's configuration: the common service variables with its own defaults, the
// bearer-token settings, the number series and the payment gateway.
import { authConfigSchema } from '@billing/auth';
import { serviceConfigSchema } from '@billing/platform';
import { z } from 'zod';

export const invoicingConfigSchema = serviceConfigSchema({ port: 3004, database: 'billing_invoicing' })
  .extend(authConfigSchema.shape)
  .extend({
    /**
     * 1 (default): one number series per subsidiary and year (`FR-2026-000001`). n > 1: n series per
     * subsidiary and year, a customer's documents in series hash(customerId) mod n
     * (`FR-2026-S03-000001`), so that n issues of one subsidiary can commit at once.
     */
    INVOICE_SERIES_SHARDS: z.coerce.number().int().min(1).max(99).default(1),
    /** The payment gateway adapter; only the sandbox exists so far (see the README). */
    PAYMENT_GATEWAY: z.enum(['sandbox']).default('sandbox'),
    /** How often the reconciler looks for payment attempts without an outcome (and once at boot). */
    PAYMENT_RECONCILIATION_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
    /**
     * An attempt without an outcome for this long is settled by asking the gateway. Longer than the
     * gateway call's own timeout, so that no request still on its way is taken for a lost one.
     */
    PAYMENT_OUTCOME_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    /**
     * An attempt the gateway never received (our process died before the call, the request was
     * lost on its way) is sent again with its own key, up to this many times, before it is recorded
     * as a retryable `gatewayUnavailable` failure. 0: never sent again.
     */
    PAYMENT_RESENDS: z.coerce.number().int().min(0).max(10).default(3),
    /**
     * How long the broker waits for a silent consumer (a killed replica) before handing its
     * partitions to the others. At least the broker's group.min.session.timeout.ms (6 s by default).
     */
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
  });

export type InvoicingConfig = z.infer<typeof invoicingConfigSchema>;
