// Projects billing.invoices.v1 into the bills read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, so an invoice row exists before its payments and credit notes reach it.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import { namedStatement, runStatementWith } from '@billing/eventsourcing';
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

// Every invoice is issued and most are paid: those two as prepared statements (the rarer ones go
// through TypeORM). Table names stay unqualified: a rebuild points search_path at its shadow schema.
const insertIssuedSql = namedStatement(
  'bills_projection_invoice_issued',
  `INSERT INTO bills (bill_id, kind, customer_id, invoice_id, number, series, sequence, subsidiary, currency, category, status,
                      total_without_tax, total_tax, total_with_tax, credited_amount, paid_amount, due_date, issued_at, document, updated_at)
   VALUES ($1, 'invoice', $2, $1, $3, $4, $5, $6, $7, $8, 'unpaid', $9, $10, $11, 0, 0, $12::date, $13::timestamptz, $14::jsonb, $13::timestamptz)
   ON CONFLICT DO NOTHING`,
);

const paidSql = namedStatement(
  'bills_projection_invoice_paid',
  `UPDATE bills SET status = 'paid', paid_amount = $2, paid_at = $3::timestamptz, updated_at = $3::timestamptz
    WHERE bill_id = $1 AND kind = 'invoice' AND status = 'unpaid'`,
);

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
        await runStatementWith(manager, insertIssuedSql, [
          data.invoiceId,
          data.customerId,
          data.number,
          data.series,
          data.sequence,
          data.subsidiary,
          data.currency,
          data.category,
          data.totals.withoutTax.value,
          data.totals.tax.value,
          data.totals.withTax.value,
          data.dueDate,
          data.issuedAt,
          JSON.stringify(data),
        ]);
        return;
      }
      case 'InvoicePaid':
        await runStatementWith(manager, paidSql, [event.data.invoiceId, event.data.amount.value, event.data.paidAt]);
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
