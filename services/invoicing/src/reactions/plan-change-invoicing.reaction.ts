// Turns ServicePlanChanged into the change's one invoice (its id derives from planChangeId, so a
// duplicate issues nothing) crediting the unused days of the old plan and charging the new one,
// then charges the account's default payment method. Every other services-topic event is skipped.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { isSubsidiaryCode } from '@billing/billing-kernel';
import { CustomerAccounts } from '../commands/customer-accounts';
import { eventMetadata } from '../commands/event-metadata';
import { InvoiceIssuing } from '../commands/invoice-issuing';
import { InvoicePayments } from '../commands/invoice-payments';
import { billedToOf } from '../domain/customer-account';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { planChangeInvoiceDraft } from './invoice-drafts';
import { servicesTopicEvents, type ServicesTopicEnvelope } from './services-topic-events';

@Injectable()
export class PlanChangeInvoicingReaction implements Reaction<ServicesTopicEnvelope> {
  readonly name = 'plan-change-invoicing';
  readonly events = servicesTopicEvents;
  readonly handles: ServicesTopicEnvelope['type'][] = ['ServicePlanChanged'];
  // the invoice and its payment attempt are streams named after the change: a repeat finds them
  readonly idempotency = 'check-then-record' as const;
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(INVOICING_SETTINGS) settings: InvoicingSettings,
    private readonly accounts: CustomerAccounts,
    private readonly issuing: InvoiceIssuing,
    private readonly payments: InvoicePayments,
  ) {
    this.topics = [settings.topics.services];
  }

  async react(event: ConsumedEvent<ServicesTopicEnvelope>): Promise<void> {
    if (event.type !== 'ServicePlanChanged') return;
    const change = event.data;
    const metadataOf = (occurredAt: string) => eventMetadata(change.customerId, occurredAt, event);
    const account = change.subsidiary
      ? await this.accounts.openProvisionallyIfMissing(change.customerId, change.subsidiary, { kind: 'upgrade', planChangeId: change.planChangeId }, event)
      : await this.accounts.load(change.customerId);
    if (account.status === 'none') {
      throw new Error(`plan change ${change.planChangeId}: customer ${change.customerId} has no account and the change names no subsidiary`);
    }
    const subsidiary = change.subsidiary ?? (account.status === 'complete' ? account.profile.subsidiary : account.subsidiary);
    if (!isSubsidiaryCode(subsidiary)) throw new Error(`plan change ${change.planChangeId}: unknown subsidiary ${subsidiary}`);
    const draft = planChangeInvoiceDraft(change, subsidiary, billedToOf(account));
    const issued = await this.issuing.issue(draft, metadataOf);
    await this.payments.payOnIssue(draft.invoiceId, metadataOf, { invoice: issued, account });
  }
}
