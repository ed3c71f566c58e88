// Turns RenewalInvoiceRequested into the term's invoice (exactly one per renewalTermId, whatever
// the duplicates; the terms grouped on it billed with it) and, for an automatic renewal, charges
// the account's default payment method;
// RenewalPaymentRetryScheduled (sent by renewal on the dunning day) into the next attempt.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { AutomaticInvoicing, type AutomaticInvoiceRequest } from '../commands/automatic-invoicing';
import { eventMetadata } from '../commands/event-metadata';
import { InvoicePayments } from '../commands/invoice-payments';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { renewalInvoiceDraft } from './invoice-drafts';
import { renewalsTopicEvents, type RenewalsTopicEnvelope } from './renewals-topic-events';

type RenewalInvoiceRequestedEvent = Extract<ConsumedEvent<RenewalsTopicEnvelope>, { type: 'RenewalInvoiceRequested' }>;

@Injectable()
export class RenewalInvoicingReaction implements Reaction<RenewalsTopicEnvelope> {
  readonly name = 'renewal-invoicing';
  readonly events = renewalsTopicEvents;
  readonly handles: RenewalsTopicEnvelope['type'][] = ['RenewalInvoiceRequested', 'RenewalPaymentRetryScheduled'];
  readonly idempotency = 'check-then-record' as const;
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(INVOICING_SETTINGS) settings: InvoicingSettings,
    private readonly invoicing: AutomaticInvoicing,
    private readonly payments: InvoicePayments,
  ) {
    this.topics = [settings.topics.renewals];
  }

  /** A term grouped on another's invoice is billed by that term's request: its own passes by. */
  concerns(event: ConsumedEvent<RenewalsTopicEnvelope>): boolean {
    return event.type !== 'RenewalInvoiceRequested' || (event as RenewalInvoiceRequestedEvent).data.invoicedWith === undefined;
  }

  react(event: ConsumedEvent<RenewalsTopicEnvelope>): Promise<void> {
    return this.reactToRun([event]);
  }

  /** The requests of a run are issued and charged together; a retry between them keeps its place. */
  async reactToRun(events: readonly ConsumedEvent<RenewalsTopicEnvelope>[]): Promise<void> {
    let requests: AutomaticInvoiceRequest[] = [];
    for (const event of events) {
      if (event.type === 'RenewalInvoiceRequested') {
        requests.push(requestOf(event as RenewalInvoiceRequestedEvent));
        continue;
      }
      await this.invoicing.issueAndCharge(requests);
      requests = [];
      if (event.type === 'RenewalPaymentRetryScheduled') {
        const { invoiceId, customerId, nextAttempt } = event.data;
        await this.payments.retryOnSchedule(invoiceId, customerId, nextAttempt, (occurredAt) => eventMetadata(customerId, occurredAt, event));
      }
    }
    await this.invoicing.issueAndCharge(requests);
  }
}

/** A service renews only after an order, whose invoice opened the account; a legacy import may not have. */
function requestOf(event: RenewalInvoiceRequestedEvent): AutomaticInvoiceRequest {
  const request = event.data;
  return {
    cause: event,
    customerId: request.customerId,
    subsidiary: request.subsidiary,
    openedBy: { kind: 'renewal', renewalTermId: request.renewalTermId },
    draftOf: (billedTo) => renewalInvoiceDraft(request, billedTo),
  };
}
