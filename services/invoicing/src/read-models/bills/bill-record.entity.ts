// One row per invoice or credit note, as its customer sees it: projected from billing.invoices.v1.
import type { CreditNoteIssued, InvoiceIssued } from '@billing/contracts';
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** bigint columns hold integer minor units; pg returns them as strings. */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

export type BillKind = 'invoice' | 'creditNote';

/**
 * An invoice is `unpaid` (a debt), `paid`, `cancelled` (credited in full before payment: nothing
 * owed) or `refunded` (paid, then credited in full); a credit note is `issued`.
 */
export type BillStatus = 'unpaid' | 'paid' | 'cancelled' | 'refunded' | 'issued';

export type LastPaymentFailure = { attempt: number; reason: string; retryable: boolean; failedAt: string };

@Entity({ name: 'bills' })
export class BillRecord {
  @PrimaryColumn('uuid', { name: 'bill_id' })
  billId!: string;

  @Column('text')
  kind!: BillKind;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  /** the invoice itself, or the invoice a credit note corrects */
  @Column('uuid', { name: 'invoice_id' })
  invoiceId!: string;

  @Column('text')
  number!: string;

  @Column('text')
  series!: string;

  @Column('integer')
  sequence!: number;

  @Column('text')
  subsidiary!: string;

  @Column('text')
  currency!: string;

  /** purchase-web … earlyrenewal; a credit note has its invoice's */
  @Column('text')
  category!: string;

  @Column('text')
  status!: BillStatus;

  @Column('bigint', { name: 'total_without_tax', transformer: minorUnits })
  totalWithoutTax!: number;

  @Column('bigint', { name: 'total_tax', transformer: minorUnits })
  totalTax!: number;

  @Column('bigint', { name: 'total_with_tax', transformer: minorUnits })
  totalWithTax!: number;

  /** what credit notes took off an invoice, tax included */
  @Column('bigint', { name: 'credited_amount', transformer: minorUnits })
  creditedAmount!: number;

  @Column('bigint', { name: 'paid_amount', transformer: minorUnits })
  paidAmount!: number;

  /** YYYY-MM-DD (invoices only) */
  @Column('date', { name: 'due_date', nullable: true })
  dueDate!: string | null;

  @Column('timestamptz', { name: 'issued_at' })
  issuedAt!: Date;

  @Column('timestamptz', { name: 'paid_at', nullable: true })
  paidAt!: Date | null;

  @Column('jsonb', { name: 'last_payment_failure', nullable: true })
  lastPaymentFailure!: LastPaymentFailure | null;

  @Column('text', { name: 'credit_note_reason', nullable: true })
  creditNoteReason!: string | null;

  @Column('boolean', { nullable: true })
  refunded!: boolean | null;

  /** a refunded credit note: when the gateway paid it back */
  @Column('timestamptz', { name: 'refunded_at', nullable: true })
  refundedAt!: Date | null;

  @Column('text', { name: 'gateway_refund_id', nullable: true })
  gatewayRefundId!: string | null;

  /** the document as published (InvoiceIssued or CreditNoteIssued data) */
  @Column('jsonb')
  document!: InvoiceIssued | CreditNoteIssued;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
