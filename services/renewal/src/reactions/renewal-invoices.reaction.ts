// Turns invoicing's outcomes for renewal invoices (source kind `renewal`) into the term's facts:
// issued → the invoice the term waits for; paid → RenewalSucceeded and the next term scheduled;
// failed → the dunning schedule. Invoices of orders and plan changes are not renewal's.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { RENEWAL_TOPICS, type RenewalTopics } from '../renewal-policy';
import { RenewalSchedule } from '../schedule/renewal-schedule.service';
import { sqlOf } from '../schedule/schedule-rows';
import { invoicesTopicEvents, type InvoicesTopicEnvelope } from './topic-events';

type Handled = Extract<InvoicesTopicEnvelope, { type: 'InvoiceIssued' | 'InvoicePaid' | 'InvoicePaymentFailed' }>;

@Injectable()
export class RenewalInvoicesReaction implements Reaction<InvoicesTopicEnvelope> {
  readonly name = 'renewal-invoices';
  readonly events = invoicesTopicEvents;
  readonly handles: Handled['type'][] = ['InvoiceIssued', 'InvoicePaid', 'InvoicePaymentFailed'];
  // a fresh consumer group must not miss invoices issued before it joined
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(RENEWAL_TOPICS) topics: RenewalTopics,
    private readonly schedule: RenewalSchedule,
  ) {
    this.topics = [topics.invoices];
  }

  /** Invoices of orders and plan changes pass by without a transaction. */
  concerns(event: ConsumedEvent<InvoicesTopicEnvelope>): boolean {
    return (event as ConsumedEvent<Handled>).data.source.kind === 'renewal';
  }

  async react(event: ConsumedEvent<InvoicesTopicEnvelope>, manager: EntityManager): Promise<void> {
    const handled = event as ConsumedEvent<Handled>;
    const { source } = handled.data;
    if (source.kind !== 'renewal') return;
    const sql = sqlOf(manager);
    switch (handled.type) {
      case 'InvoiceIssued':
        return this.schedule.invoiceIssued(sql, source.renewalTermId, handled.data.invoiceId, handled.data.issuedAt, event);
      case 'InvoicePaid':
        return this.schedule.invoicePaid(sql, source.renewalTermId, handled.data.invoiceId, event);
      case 'InvoicePaymentFailed': {
        const { invoiceId, attempt, reason, retryable, failedAt } = handled.data;
        return this.schedule.paymentFailed(sql, source.renewalTermId, { invoiceId, attempt, reason, retryable, failedAt }, event);
      }
    }
  }
}
