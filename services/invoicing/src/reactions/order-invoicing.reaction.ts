// Turns the order service's events into invoicing commands: OrderPlaced → issue the order's
// invoice (opening a provisional account when the customer has none) and, with autoPay, charge it;
// OrderCancelled → credit the invoice in full (refund); OrderWithdrawn → credit the withdrawn items;
// a credit of a paid invoice is paid back through the gateway.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { CustomerAccounts } from '../commands/customer-accounts';
import { eventMetadata } from '../commands/event-metadata';
import { creditNoteIdOf, invoiceIdOf } from '../commands/invoice-ids';
import { InvoiceIssuing, type CreditNoteRequest } from '../commands/invoice-issuing';
import { InvoicePayments } from '../commands/invoice-payments';
import { InvoiceRefunds } from '../commands/invoice-refunds';
import { billedToOf } from '../domain/customer-account';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { orderInvoiceDraft } from './invoice-drafts';
import { ordersTopicEvents, type OrdersTopicEnvelope } from './orders-topic-events';

type Handled = Extract<OrdersTopicEnvelope, { type: 'OrderPlaced' | 'OrderCancelled' | 'OrderWithdrawn' }>;

@Injectable()
export class OrderInvoicingReaction implements Reaction<OrdersTopicEnvelope> {
  private readonly logger = new Logger(OrderInvoicingReaction.name);
  readonly name = 'order-invoicing';
  readonly events = ordersTopicEvents;
  readonly handles: Handled['type'][] = ['OrderPlaced', 'OrderCancelled', 'OrderWithdrawn'];
  // the effects are event-sourced streams whose ids derive from the order: a repeat after a crash
  // between the effect and the record finds them done (and a started payment is not started again)
  readonly idempotency = 'check-then-record' as const;
  // a fresh consumer group must not miss orders placed before it joined
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(INVOICING_SETTINGS) settings: InvoicingSettings,
    private readonly accounts: CustomerAccounts,
    private readonly issuing: InvoiceIssuing,
    private readonly payments: InvoicePayments,
    private readonly refunds: InvoiceRefunds,
  ) {
    this.topics = [settings.topics.orders];
  }

  async react(event: ConsumedEvent<OrdersTopicEnvelope>): Promise<void> {
    const metadataOf = (occurredAt: string) => eventMetadata(event.data.customerId, occurredAt, event);
    switch (event.type) {
      case 'OrderPlaced': {
        const order = event.data;
        const account = await this.accounts.openProvisionallyIfMissing(order.customerId, order.subsidiary, { kind: 'order', orderId: order.orderId }, event);
        if (account.status === 'none') throw new Error(`customer ${order.customerId} has no account after opening one`);
        const draft = orderInvoiceDraft(order, billedToOf(account));
        const issued = await this.issuing.issue(draft, metadataOf);
        await this.payments.payOnIssue(draft.invoiceId, metadataOf, { invoice: issued, account });
        return;
      }
      case 'OrderCancelled':
        await this.credit(event, { reason: 'refund', scope: { kind: 'wholeInvoice' } }, 'cancellation', metadataOf);
        return;
      case 'OrderWithdrawn': {
        const itemIds = [...event.data.itemIds].sort();
        await this.credit(event, { reason: 'withdrawal', scope: { kind: 'items', itemIds } }, itemIds.join(','), metadataOf);
        return;
      }
      default:
        return;
    }
  }

  private async credit(
    event: Extract<OrdersTopicEnvelope, { type: 'OrderCancelled' | 'OrderWithdrawn' }>,
    request: Pick<CreditNoteRequest, 'reason' | 'scope'>,
    credited: string,
    metadataOf: (occurredAt: string) => ReturnType<typeof eventMetadata>,
  ): Promise<void> {
    const invoiceId = invoiceIdOf({ kind: 'order', orderId: event.data.orderId });
    const { state } = await this.issuing.load(invoiceId);
    // an order cancelled before its invoice was issued has nothing to credit
    if (state.status === 'notIssued') return;
    if (state.invoice.customerId !== event.data.customerId) {
      this.logger.warn({ msg: "order event for another customer's invoice: ignored", type: event.type, eventId: event.eventId, invoiceId });
      return;
    }
    await this.issuing.issueCreditNote({ ...request, invoiceId, creditNoteId: creditNoteIdOf(invoiceId, request.reason, credited) }, metadataOf);
    // a paid invoice's credit goes back to the customer's payment method (a repeat finds it refunded)
    await this.refunds.refundOwed(invoiceId, metadataOf);
  }
}
