// Turns the order service's events into invoicing commands: OrderPlaced → issue the order's
// invoice (opening a provisional account when the customer has none) and, with autoPay, charge it;
// OrderCancelled → credit the invoice in full (refund); OrderWithdrawn → credit the withdrawn items;
// a credit of a paid invoice is paid back through the gateway.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { AutomaticInvoicing, type AutomaticInvoiceRequest } from '../commands/automatic-invoicing';
import { eventMetadata } from '../commands/event-metadata';
import { creditNoteIdOf, invoiceIdOf } from '../commands/invoice-ids';
import { InvoiceIssuing, type CreditNoteRequest } from '../commands/invoice-issuing';
import { InvoiceRefunds } from '../commands/invoice-refunds';
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
    private readonly invoicing: AutomaticInvoicing,
    private readonly issuing: InvoiceIssuing,
    private readonly refunds: InvoiceRefunds,
  ) {
    this.topics = [settings.topics.orders];
  }

  react(event: ConsumedEvent<OrdersTopicEnvelope>): Promise<void> {
    return this.reactToRun([event]);
  }

  /**
   * The orders placed in a run are invoiced and charged together; a cancellation or a withdrawal
   * waits for the orders placed before it, so an order placed and cancelled in one run is credited.
   */
  async reactToRun(events: readonly ConsumedEvent<OrdersTopicEnvelope>[]): Promise<void> {
    let placed: AutomaticInvoiceRequest[] = [];
    for (const event of events) {
      if (event.type === 'OrderPlaced') {
        const order = event.data;
        placed.push({
          cause: event,
          customerId: order.customerId,
          subsidiary: order.subsidiary,
          openedBy: { kind: 'order', orderId: order.orderId },
          draftOf: (billedTo) => orderInvoiceDraft(order, billedTo),
        });
        continue;
      }
      await this.invoicing.issueAndCharge(placed);
      placed = [];
      const metadataOf = (occurredAt: string) => eventMetadata(event.data.customerId, occurredAt, event);
      if (event.type === 'OrderCancelled') {
        await this.credit(event, { reason: 'refund', scope: { kind: 'wholeInvoice' } }, 'cancellation', metadataOf);
      } else if (event.type === 'OrderWithdrawn') {
        const itemIds = [...event.data.itemIds].sort();
        await this.credit(event, { reason: 'withdrawal', scope: { kind: 'items', itemIds } }, itemIds.join(','), metadataOf);
      }
    }
    await this.invoicing.issueAndCharge(placed);
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
