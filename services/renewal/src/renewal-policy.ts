// The renewal policy and topic names as providers, read once from the configuration.
import { topics } from '@billing/contracts';
import { topicName } from '@billing/platform';
import type { RenewalConfig } from './config';
import type { RenewalPolicy } from './domain/renewal-plan';

export const RENEWAL_POLICY = Symbol('RENEWAL_POLICY');
export const RENEWAL_TOPICS = Symbol('RENEWAL_TOPICS');
export const SCHEDULER_SETTINGS = Symbol('SCHEDULER_SETTINGS');

export interface RenewalTopics {
  /** billing.renewals.v1: published by the outbox relay */
  renewals: string;
  /** billing.services.v1: the services to renew */
  services: string;
  /** billing.invoices.v1: the outcomes of renewal invoices */
  invoices: string;
}

export interface SchedulerSettings {
  intervalMs: number;
  batchSize: number;
  concurrency: number;
  databaseUrl: string;
}

export function renewalPolicyOf(config: RenewalConfig): RenewalPolicy {
  return {
    invoiceLeadDays: config.RENEWAL_INVOICE_LEAD_DAYS,
    dunningRetryDays: config.RENEWAL_DUNNING_RETRY_DAYS,
    paymentDeadlineDays: config.RENEWAL_PAYMENT_DEADLINE_DAYS,
    gracePeriodDays: config.RENEWAL_GRACE_DAYS,
  };
}

export function renewalTopicsOf(config: Pick<RenewalConfig, 'KAFKA_TOPIC_PREFIX'>): RenewalTopics {
  return {
    renewals: topicName(config, topics.renewals),
    services: topicName(config, topics.services),
    invoices: topicName(config, topics.invoices),
  };
}

export function schedulerSettingsOf(config: RenewalConfig): SchedulerSettings {
  return {
    intervalMs: config.RENEWAL_SCHEDULER_INTERVAL_MS,
    batchSize: config.RENEWAL_SCHEDULER_BATCH_SIZE,
    concurrency: config.RENEWAL_SCHEDULER_CONCURRENCY,
    databaseUrl: config.DATABASE_URL,
  };
}
