// Projects billing.invoices.v1 into the bills read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, so an invoice row exists before its payments and credit notes reach it.
import { Inject, Injectable } from '@nestjs/common';
import { writeInKeyedSteps, type ConsumedEvent, type Projection } from '@billing/messaging';
import { namedStatement, runStatementWith, type NamedStatement } from '@billing/eventsourcing';
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

// Every invoice is issued and most are paid: those steps, and failed payments, take one statement
// for a whole step of a run (see writeInKeyedSteps), the rows as a JSON record set; credit notes
// touch two rows and go one by one through TypeORM. Table names stay unqualified: a rebuild points
// search_path at its shadow schema.
const insertIssuedSql = namedStatement(
  'bills_projection_invoice_issued_run',
  `INSERT INTO bills (bill_id, kind, customer_id, invoice_id, number, series, sequence, subsidiary, currency, category, status,
                      total_without_tax, total_tax, total_with_tax, credited_amount, paid_amount, due_date, issued_at, document, updated_at)
   SELECT r.bill_id, 'invoice', r.customer_id, r.bill_id, r.number, r.series, r.sequence, r.subsidiary, r.currency, r.category, 'unpaid',
          r.total_without_tax, r.total_tax, r.total_with_tax, 0, 0, r.due_date, r.issued_at, r.document, r.issued_at
     FROM jsonb_to_recordset($1::jsonb) AS r(bill_id uuid, customer_id text, number text, series text, sequence integer, subsidiary text,
                                             currency text, category text, total_without_tax bigint, total_tax bigint, total_with_tax bigint,
                                             due_date date, issued_at timestamptz, document jsonb)
   ON CONFLICT DO NOTHING`,
);

const paidSql = namedStatement(
  'bills_projection_invoice_paid_run',
  `UPDATE bills b SET status = 'paid', paid_amount = r.amount, paid_at = r.at, updated_at = r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(bill_id uuid, amount bigint, at timestamptz)
    WHERE b.bill_id = r.bill_id AND b.bill_id = ANY($2::uuid[]) AND b.kind = 'invoice' AND b.status = 'unpaid'`,
);

const paymentFailedSql = namedStatement(
  'bills_projection_payment_failed_run',
  `UPDATE bills b SET last_payment_failure = r.failure, updated_at = r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(bill_id uuid, failure jsonb, at timestamptz)
    WHERE b.bill_id = r.bill_id AND b.bill_id = ANY($2::uuid[]) AND b.kind = 'invoice' AND b.status = 'unpaid'`,
);

type BillsEvent = ConsumedEvent<InvoicesTopicEnvelope>;
type Stepped = Extract<Handled, { type: 'InvoiceIssued' | 'InvoicePaid' | 'InvoicePaymentFailed' }>;
const stepped = new Set<BillsEvent['type']>(['InvoiceIssued', 'InvoicePaid', 'InvoicePaymentFailed']);
const isStepped = (event: BillsEvent): event is ConsumedEvent<Stepped> => stepped.has(event.type);

/** One step's rows: the record set of its statement. */
function rowsOf(type: Stepped['type'], events: readonly ConsumedEvent<Stepped>[]): { statement: NamedStatement; rows: { bill_id: string }[] } {
  switch (type) {
    case 'InvoiceIssued':
      return {
        statement: insertIssuedSql,
        rows: events.map((event) => {
          const data = (event as ConsumedEvent<Extract<Stepped, { type: 'InvoiceIssued' }>>).data;
          return {
            bill_id: data.invoiceId,
            customer_id: data.customerId,
            number: data.number,
            series: data.series,
            sequence: data.sequence,
            subsidiary: data.subsidiary,
            currency: data.currency,
            category: data.category,
            total_without_tax: data.totals.withoutTax.value,
            total_tax: data.totals.tax.value,
            total_with_tax: data.totals.withTax.value,
            due_date: data.dueDate,
            issued_at: data.issuedAt,
            document: data,
          };
        }),
      };
    case 'InvoicePaid':
      return {
        statement: paidSql,
        rows: events.map((event) => {
          const data = (event as ConsumedEvent<Extract<Stepped, { type: 'InvoicePaid' }>>).data;
          return { bill_id: data.invoiceId, amount: data.amount.value, at: data.paidAt };
        }),
      };
    case 'InvoicePaymentFailed':
      return {
        statement: paymentFailedSql,
        rows: events.map((event) => {
          const { invoiceId, attempt, reason, retryable, failedAt } = (event as ConsumedEvent<Extract<Stepped, { type: 'InvoicePaymentFailed' }>>).data;
          return { bill_id: invoiceId, failure: { attempt, reason, retryable, failedAt }, at: failedAt };
        }),
      };
  }
}

@Injectable()
export class BillsProjection implements Projection<InvoicesTopicEnvelope> {
  readonly name = 'bills';
  readonly events = invoicesTopicEvents;
  readonly handles: Handled['type'][] = ['InvoiceIssued', 'InvoicePaid', 'InvoicePaymentFailed', 'CreditNoteIssued', 'CreditNoteRefunded'];
  readonly readModelTables = ['bills'];
  readonly topics: readonly string[];
  /**
   * A second copy of an issue or a payment, however late, cannot change a bill: the insert ignores
   * a row already there, and the payment only moves an unpaid bill (none goes back to unpaid). So
   * the two events of every invoice paid take no processed_events row. Failures and credit notes
   * are looked up: a late failure would set the last failure back, a credit note adds up.
   */
  readonly deduplicateByEventId = (event: BillsEvent): boolean => event.type !== 'InvoiceIssued' && event.type !== 'InvoicePaid';

  constructor(@Inject(INVOICING_SETTINGS) settings: InvoicingSettings) {
    this.topics = [settings.topics.invoices];
  }

  async project(events: readonly BillsEvent[], manager: EntityManager): Promise<void> {
    const handled = new Set<string>(this.handles);
    await writeInKeyedSteps(
      events.filter((event) => handled.has(event.type)),
      {
        // an invoice's row: its id (uuids compare whatever their case); credit notes alone
        keyOf: (event) => (isStepped(event) ? event.data.invoiceId.toLowerCase() : undefined),
        typeOf: (event) => event.type,
        writeBatch: async (type, batch) => {
          const { statement, rows } = rowsOf(type as Stepped['type'], batch as ConsumedEvent<Stepped>[]);
          // an update names its rows' ids again ($2): the planner cannot size a JSON record set and
          // would scan the whole table; with them it reads the primary key
          await runStatementWith(manager, statement, type === 'InvoiceIssued' ? [JSON.stringify(rows)] : [JSON.stringify(rows), rows.map((row) => row.bill_id)]);
        },
        writeOne: (event) => this.applyCreditNote(event, manager),
      },
    );
  }

  private async applyCreditNote(event: BillsEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
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
