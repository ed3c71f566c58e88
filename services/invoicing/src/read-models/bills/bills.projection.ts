// Projects billing.invoices.v1 into the bills read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, so an invoice row exists before its payments and credit notes reach it.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../../invoicing-settings';
import { BillRecord } from './bill-record.entity';
import { invoicesTopicEvents, type InvoicesTopicEnvelope } from './invoices-topic-events';

type Handled = Extract<InvoicesTopicEnvelope, { type: 'InvoiceIssued' | 'InvoicePaid' | 'InvoicePaymentFailed' | 'CreditNoteIssued' | 'CreditNoteRefunded' }>;

/** A credit note takes its amount off the invoice; credited in full, the invoice owes nothing. */
const creditInvoiceSql = `
  UPDATE bills
     SET credited_amount = credited_amount + $2,
         status = CASE WHEN credited_amount + $2 < total_with_tax THEN status
                       WHEN status = 'unpaid' THEN 'cancelled'
                       WHEN status = 'paid' THEN 'refunded'
                       ELSE status END,
         updated_at = $3
   WHERE bill_id = $1 AND kind = 'invoice'`;

@Injectable()
export class BillsProjection implements Projection<InvoicesTopicEnvelope> {
  readonly name = 'bills';
  readonly events = invoicesTopicEvents;
  readonly handles: Handled['type'][] = ['InvoiceIssued', 'InvoicePaid', 'InvoicePaymentFailed', 'CreditNoteIssued', 'CreditNoteRefunded'];
  readonly readModelTables = ['bills'];
  readonly topics: readonly string[];

  constructor(@Inject(INVOICING_SETTINGS) settings: InvoicingSettings) {
    this.topics = [settings.topics.invoices];
  }

  async project(events: readonly ConsumedEvent<InvoicesTopicEnvelope>[], manager: EntityManager): Promise<void> {
    for (const event of events) await this.apply(event, manager);
  }

  private async apply(event: ConsumedEvent<InvoicesTopicEnvelope>, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'InvoiceIssued': {
        const { data } = event;
        await manager
          .createQueryBuilder()
          .insert()
          .into(BillRecord)
          .values({
            billId: data.invoiceId,
            kind: 'invoice',
            customerId: data.customerId,
            invoiceId: data.invoiceId,
            number: data.number,
            series: data.series,
            sequence: data.sequence,
            subsidiary: data.subsidiary,
            currency: data.currency,
            category: data.category,
            status: 'unpaid',
            totalWithoutTax: data.totals.withoutTax.value,
            totalTax: data.totals.tax.value,
            totalWithTax: data.totals.withTax.value,
            creditedAmount: 0,
            paidAmount: 0,
            dueDate: data.dueDate,
            issuedAt: new Date(data.issuedAt),
            document: data,
            updatedAt: new Date(data.issuedAt),
          })
          .orIgnore()
          .execute();
        return;
      }
      case 'InvoicePaid':
        await manager.update(
          BillRecord,
          { billId: event.data.invoiceId, kind: 'invoice', status: 'unpaid' },
          { status: 'paid', paidAmount: event.data.amount.value, paidAt: new Date(event.data.paidAt), updatedAt: new Date(event.data.paidAt) },
        );
        return;
      case 'InvoicePaymentFailed': {
        const { attempt, reason, retryable, failedAt } = event.data;
        await manager.update(
          BillRecord,
          { billId: event.data.invoiceId, kind: 'invoice', status: 'unpaid' },
          { lastPaymentFailure: { attempt, reason, retryable, failedAt }, updatedAt: new Date(failedAt) },
        );
        return;
      }
      case 'CreditNoteIssued': {
        const { data } = event;
        const invoice = await manager.findOne(BillRecord, { where: { billId: data.invoiceId }, select: { category: true } });
        await manager
          .createQueryBuilder()
          .insert()
          .into(BillRecord)
          .values({
            billId: data.creditNoteId,
            kind: 'creditNote',
            customerId: data.customerId,
            invoiceId: data.invoiceId,
            number: data.number,
            series: data.series,
            sequence: data.sequence,
            subsidiary: data.subsidiary,
            currency: data.currency,
            category: invoice?.category ?? 'purchase-web',
            status: 'issued',
            totalWithoutTax: data.totals.withoutTax.value,
            totalTax: data.totals.tax.value,
            totalWithTax: data.totals.withTax.value,
            creditedAmount: 0,
            paidAmount: 0,
            dueDate: null,
            issuedAt: new Date(data.issuedAt),
            creditNoteReason: data.reason,
            refunded: data.refunded,
            document: data,
            updatedAt: new Date(data.issuedAt),
          })
          .orIgnore()
          .execute();
        await manager.query(creditInvoiceSql, [data.invoiceId, data.totals.withTax.value, new Date(data.issuedAt)]);
        return;
      }
      case 'CreditNoteRefunded': {
        const { data } = event;
        await manager.update(
          BillRecord,
          { billId: data.creditNoteId, kind: 'creditNote' },
          { refundedAt: new Date(data.refundedAt), gatewayRefundId: data.gatewayRefundId, updatedAt: new Date(data.refundedAt) },
        );
        return;
      }
      default:
        return;
    }
  }
}
