// Turns invoicing's outcomes for renewal invoices (source kind `renewal`) into the term's facts
// (each of the terms a grouped invoice bills):
// issued → the invoice the term waits for; paid → RenewalSucceeded and the next term scheduled;
// failed → the dunning schedule. Invoices of orders and plan changes are not renewal's.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { RENEWAL_TOPICS, type RenewalTopics } from '../renewal-policy';
import { RenewalSchedule, type InvoiceOutcome } from '../schedule/renewal-schedule.service';
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

  react(event: ConsumedEvent<InvoicesTopicEnvelope>, manager: EntityManager): Promise<void> {
    return this.reactToRun([event], manager);
  }

  /** A run's outcomes applied in turn, with one lock, one read and one write of each kind for the run. */
  async reactToRun(events: readonly ConsumedEvent<InvoicesTopicEnvelope>[], manager: EntityManager): Promise<void> {
    const outcomes: InvoiceOutcome[] = [];
    for (const event of events) {
      const handled = event as ConsumedEvent<Handled>;
      const { source } = handled.data;
      if (source.kind !== 'renewal') continue;
      // a grouped invoice's outcome is each of its terms' own
      for (const renewalTermId of [source.renewalTermId, ...(source.groupedTerms ?? []).map((term) => term.renewalTermId)]) {
        switch (handled.type) {
          case 'InvoiceIssued':
            outcomes.push({ type: 'issued', renewalTermId, invoiceId: handled.data.invoiceId, issuedAt: handled.data.issuedAt, cause: event });
            break;
          case 'InvoicePaid':
            outcomes.push({ type: 'paid', renewalTermId, invoiceId: handled.data.invoiceId, cause: event });
            break;
          case 'InvoicePaymentFailed': {
            const { invoiceId, attempt, reason, retryable, failedAt } = handled.data;
            outcomes.push({ type: 'failed', renewalTermId, failure: { invoiceId, attempt, reason, retryable, failedAt }, cause: event });
            break;
          }
        }
      }
    }
    await this.schedule.invoiceOutcomes(sqlOf(manager), outcomes);
  }
}
