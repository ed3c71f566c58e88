// Turns RenewalInvoiceRequested into the term's invoice (exactly one per renewalTermId, whatever
// the duplicates) and, for an automatic renewal, charges the account's default payment method;
// RenewalPaymentRetryScheduled (sent by renewal on the dunning day) into the next attempt.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { CustomerAccounts } from '../commands/customer-accounts';
import { eventMetadata } from '../commands/event-metadata';
import { InvoiceIssuing } from '../commands/invoice-issuing';
import { InvoicePayments } from '../commands/invoice-payments';
import { billedToOf } from '../domain/customer-account';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { renewalInvoiceDraft } from './invoice-drafts';
import { renewalsTopicEvents, type RenewalsTopicEnvelope } from './renewals-topic-events';

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
    private readonly accounts: CustomerAccounts,
    private readonly issuing: InvoiceIssuing,
    private readonly payments: InvoicePayments,
  ) {
    this.topics = [settings.topics.renewals];
  }

  async react(event: ConsumedEvent<RenewalsTopicEnvelope>): Promise<void> {
    if (event.type === 'RenewalPaymentRetryScheduled') {
      const { invoiceId, customerId, nextAttempt } = event.data;
      await this.payments.retryOnSchedule(invoiceId, customerId, nextAttempt, (occurredAt) => eventMetadata(customerId, occurredAt, event));
      return;
    }
    if (event.type !== 'RenewalInvoiceRequested') return;
    const request = event.data;
    const metadataOf = (occurredAt: string) => eventMetadata(request.customerId, occurredAt, event);
    // a service renews only after an order, whose invoice opened the account; a legacy import may not have
    const account = await this.accounts.openProvisionallyIfMissing(request.customerId, request.subsidiary, { kind: 'renewal', renewalTermId: request.renewalTermId }, event);
    if (account.status === 'none') throw new Error(`customer ${request.customerId} has no account after opening one`);
    const draft = renewalInvoiceDraft(request, billedToOf(account));
    const issued = await this.issuing.issue(draft, metadataOf);
    await this.payments.payOnIssue(draft.invoiceId, metadataOf, { invoice: issued, account });
  }
}
