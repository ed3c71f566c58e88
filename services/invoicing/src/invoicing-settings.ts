// What the invoicing providers read from the configuration: topic names under the configured
// prefix, the series policy and the reconciliation timing.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { topics } from '@billing/contracts';
import { topicName } from '@billing/platform';
import type { InvoicingConfig } from './config';
import type { SeriesPolicy } from './domain/invoice-series';

export const INVOICING_SETTINGS = Symbol('INVOICING_SETTINGS');

export interface InvoicingTopics {
  /** billing.invoices.v1: published by the outbox relay, projected into the bills read model */
  invoices: string;
  /** billing.orders.v1: orders to invoice, cancellations and withdrawals to credit */
  orders: string;
  /** billing.renewals.v1: renewal terms to invoice */
  renewals: string;
  /** billing.services.v1: plan changes to invoice (credit of the old plan, charge of the new) */
  services: string;
}

export interface InvoicingSettings {
  topics: InvoicingTopics;
  series: SeriesPolicy;
  reconciliationIntervalMs: number;
  paymentOutcomeTimeoutMs: number;
  /** times an attempt the gateway never received is sent again with its key before it fails */
  paymentResends: number;
}

export function invoicingSettingsOf(config: InvoicingConfig): InvoicingSettings {
  return {
    topics: {
      invoices: topicName(config, topics.invoices),
      orders: topicName(config, topics.orders),
      renewals: topicName(config, topics.renewals),
      services: topicName(config, topics.services),
    },
    series: { shards: config.INVOICE_SERIES_SHARDS },
    reconciliationIntervalMs: config.PAYMENT_RECONCILIATION_INTERVAL_MS,
    paymentOutcomeTimeoutMs: config.PAYMENT_OUTCOME_TIMEOUT_MS,
    paymentResends: config.PAYMENT_RESENDS,
  };
}

@Global()
@Module({})
export class InvoicingSettingsModule {
  static forRoot(config: InvoicingConfig): DynamicModule {
    return {
      module: InvoicingSettingsModule,
      providers: [{ provide: INVOICING_SETTINGS, useValue: invoicingSettingsOf(config) }],
      exports: [INVOICING_SETTINGS],
    };
  }
}
