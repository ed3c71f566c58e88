// Turns RenewalInvoiceRequested into the term's invoice (exactly one per renewalTermId, whatever
// the duplicates; the terms grouped on it billed with it) and, for an automatic renewal, charges
// the account's default payment method;
// RenewalPaymentRetryScheduled (sent by renewal on the dunning day) into the next attempt;
// RenewalCancelled (a term invoiced, then stopped by the customer before its expiration) into a
// credit note for the term's line, paid back if the invoice was paid: the rest of a grouped
// invoice stays due, and its next attempt charges only that.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { AutomaticInvoicing, type AutomaticInvoiceRequest } from '../commands/automatic-invoicing';
import { eventMetadata } from '../commands/event-metadata';
import { creditNoteIdOf } from '../commands/invoice-ids';
import { InvoiceIssuing } from '../commands/invoice-issuing';
import { InvoicePayments } from '../commands/invoice-payments';
import { InvoiceRefunds } from '../commands/invoice-refunds';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { renewalInvoiceDraft } from './invoice-drafts';
import { renewalsTopicEvents, type RenewalsTopicEnvelope } from './renewals-topic-events';

type RenewalInvoiceRequestedEvent = Extract<ConsumedEvent<RenewalsTopicEnvelope>, { type: 'RenewalInvoiceRequested' }>;
type RenewalCancelledEvent = Extract<ConsumedEvent<RenewalsTopicEnvelope>, { type: 'RenewalCancelled' }>;

@Injectable()
export class RenewalInvoicingReaction implements Reaction<RenewalsTopicEnvelope> {
  private readonly logger = new Logger(RenewalInvoicingReaction.name);
  readonly name = 'renewal-invoicing';
  readonly events = renewalsTopicEvents;
  readonly handles: RenewalsTopicEnvelope['type'][] = ['RenewalInvoiceRequested', 'RenewalPaymentRetryScheduled', 'RenewalCancelled'];
  readonly idempotency = 'check-then-record' as const;
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(INVOICING_SETTINGS) settings: InvoicingSettings,
    private readonly invoicing: AutomaticInvoicing,
    private readonly payments: InvoicePayments,
    private readonly issuing: InvoiceIssuing,
    private readonly refunds: InvoiceRefunds,
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
      } else if (event.type === 'RenewalCancelled') {
        await this.creditCancelledTerm(event as RenewalCancelledEvent);
      }
    }
    await this.invoicing.issueAndCharge(requests);
  }

  /**
   * Credits the cancelled term's line on its invoice, once (the credit note's id derives from the
   * term), and pays it back if the invoice was paid. A payment under way makes the credit wait for
   * its outcome (PaymentInProgress: the event is tried again).
   */
  private async creditCancelledTerm(event: RenewalCancelledEvent): Promise<void> {
    const { invoiceId, customerId, renewalTermId, serviceId } = event.data;
    const { state } = await this.issuing.load(invoiceId);
    const billed = state.status === 'notIssued' ? undefined : state.invoice;
    const terms = billed?.source.kind === 'renewal' ? [billed.source, ...(billed.source.groupedTerms ?? [])] : [];
    const term = terms.find((candidate) => candidate.renewalTermId.toLowerCase() === renewalTermId.toLowerCase());
    if (!billed || billed.customerId !== customerId || !term || term.serviceId.toLowerCase() !== serviceId.toLowerCase()) {
      this.logger.warn({ msg: 'renewal cancelled for an invoice that does not bill its term: nothing credited', eventId: event.eventId, invoiceId, renewalTermId });
      return;
    }
    const metadataOf = (occurredAt: string) => eventMetadata(customerId, occurredAt, event);
    await this.issuing.issueCreditNote(
      { invoiceId, creditNoteId: creditNoteIdOf(invoiceId, 'refund', renewalTermId.toLowerCase()), reason: 'refund', scope: { kind: 'services', serviceIds: [serviceId] } },
      metadataOf,
    );
    await this.refunds.refundOwed(invoiceId, metadataOf);
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
