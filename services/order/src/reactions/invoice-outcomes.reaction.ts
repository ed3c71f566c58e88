// Turns invoicing's outcomes for our orders into order commands: InvoiceIssued → notPaid,
// InvoicePaid → paid and delivered, InvoicePaymentFailed → notPaid (a later payment still
// completes it). Invoices of renewals and plan changes are not the order's.
import { Inject, Injectable } from '@nestjs/common';
import { parseMoney } from '@billing/billing-kernel';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { OrderCommands, type InvoicingOutcomeCommand } from '../commands/order-commands';
import { ORDER_TOPICS, type OrderTopics } from '../order-topics';
import { invoicesTopicEvents, type InvoicesTopicEnvelope } from './invoices-topic-events';

type Handled = Extract<InvoicesTopicEnvelope, { type: 'InvoiceIssued' | 'InvoicePaid' | 'InvoicePaymentFailed' }>;

@Injectable()
export class InvoiceOutcomesReaction implements Reaction<InvoicesTopicEnvelope> {
  readonly name = 'invoice-outcomes';
  readonly events = invoicesTopicEvents;
  readonly handles: Handled['type'][] = ['InvoiceIssued', 'InvoicePaid', 'InvoicePaymentFailed'];
  // the order's own stream is the effect: its event ids derive from the invoicing event's id,
  // so a repeat after a crash between the append and the record appends nothing
  readonly idempotency = 'check-then-record' as const;
  // a fresh consumer group must not miss invoices issued before it joined
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(ORDER_TOPICS) topics: OrderTopics,
    private readonly orders: OrderCommands,
  ) {
    this.topics = [topics.invoices];
  }

  /** Invoices of renewals and plan changes pass by without a look at processed_events. */
  concerns(event: ConsumedEvent<InvoicesTopicEnvelope>): boolean {
    return (event as ConsumedEvent<Handled>).data.source.kind === 'order';
  }

  react(event: ConsumedEvent<InvoicesTopicEnvelope>): Promise<void> {
    return this.reactToRun([event]);
  }

  /** A run's outcomes recorded together: one read of their orders, one append. */
  async reactToRun(events: readonly ConsumedEvent<InvoicesTopicEnvelope>[]): Promise<void> {
    const outcomes = [];
    for (const event of events) {
      const command = this.commandFor(event);
      if (command) outcomes.push({ command, cause: event });
    }
    await this.orders.recordInvoicingOutcomes(outcomes);
  }

  private commandFor(event: InvoicesTopicEnvelope): InvoicingOutcomeCommand | undefined {
    switch (event.type) {
      case 'InvoiceIssued': {
        const { source, customerId, invoiceId, number, totals, billedTo, issuedAt } = event.data;
        if (source.kind !== 'order') return undefined;
        return {
          type: 'RecordInvoiceIssued',
          data: {
            orderId: source.orderId,
            customerId,
            invoiceId,
            invoiceNumber: number,
            amountDue: parseMoney(totals.withTax),
            billedTo: { country: billedTo.country, ...(billedTo.vatNumber ? { vatNumber: billedTo.vatNumber } : {}) },
            issuedAt,
          },
        };
      }
      case 'InvoicePaid': {
        const { source, customerId, invoiceId, paymentId, amount, paidAt } = event.data;
        if (source.kind !== 'order') return undefined;
        return {
          type: 'RecordInvoicePaid',
          data: { orderId: source.orderId, customerId, invoiceId, paymentId, amount: parseMoney(amount), paidAt, deliveredAt: this.orders.now() },
        };
      }
      case 'InvoicePaymentFailed': {
        const { source, customerId, invoiceId, paymentId, attempt, amount, reason, retryable, failedAt } = event.data;
        if (source.kind !== 'order') return undefined;
        return {
          type: 'RecordInvoicePaymentFailed',
          data: { orderId: source.orderId, customerId, invoiceId, paymentId, attempt, reason, retryable, amountDue: parseMoney(amount), failedAt },
        };
      }
      default:
        return undefined;
    }
  }
}
