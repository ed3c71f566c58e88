// One row per order, as its customer and operators see it: projected from billing.orders.v1.
import type { OrderItem } from '@billing/contracts';
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { OrderStatus } from '../../domain/order';

/** bigint columns hold integer minor units; pg returns them as strings. */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'orders' })
export class OrderRecord {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  subsidiary!: string;

  /** the currency of every amount of the row */
  @Column('text')
  currency!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('jsonb')
  items!: OrderItem[];

  @Column('bigint', { name: 'total_without_tax', transformer: minorUnits })
  totalWithoutTax!: number;

  @Column('bigint', { name: 'total_tax', transformer: minorUnits })
  totalTax!: number;

  @Column('bigint', { name: 'total_with_tax', transformer: minorUnits })
  totalWithTax!: number;

  @Column('boolean', { name: 'auto_pay' })
  autoPay!: boolean;

  @Column('text', { name: 'payment_method_id', nullable: true })
  paymentMethodId!: string | null;

  @Column('uuid', { name: 'invoice_id', nullable: true })
  invoiceId!: string | null;

  @Column('bigint', { name: 'amount_due', nullable: true, transformer: minorUnits })
  amountDue!: number | null;

  /** awaitingPayment | paymentFailed, while notPaid */
  @Column('text', { name: 'not_paid_reason', nullable: true })
  notPaidReason!: string | null;

  @Column('uuid', { name: 'payment_id', nullable: true })
  paymentId!: string | null;

  @Column('text', { name: 'cancellation_reason', nullable: true })
  cancellationReason!: string | null;

  @Column('bigint', { name: 'refund_amount', nullable: true, transformer: minorUnits })
  refundAmount!: number | null;

  @Column('timestamptz', { name: 'placed_at' })
  placedAt!: Date;

  @Column('timestamptz', { name: 'paid_at', nullable: true })
  paidAt!: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  @Column('timestamptz', { name: 'withdrawn_at', nullable: true })
  withdrawnAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
