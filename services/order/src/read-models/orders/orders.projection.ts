// Projects billing.orders.v1 into the orders read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, and each update also names the statuses it may follow, so nothing regresses.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import { namedStatement, runStatementWith } from '@billing/eventsourcing';
import { In, type EntityManager } from 'typeorm';
import type { OrderStatus } from '../../domain/order';
import { ORDER_TOPICS, type OrderTopics } from '../../order-topics';
import { OrderRecord } from './order-record.entity';
import { ordersTopicEvents, type OrdersTopicEnvelope } from './orders-topic-events';

const unpaid: OrderStatus[] = ['checking', 'notPaid'];

// The four steps every order takes, as prepared statements (the rarer ones go through TypeORM).
// Table names stay unqualified: a rebuild points search_path at its shadow schema.
const insertPlacedSql = namedStatement(
  'orders_projection_placed',
  `INSERT INTO orders (order_id, customer_id, subsidiary, currency, status, items, total_without_tax, total_tax, total_with_tax,
                       auto_pay, payment_method_id, placed_at, updated_at)
   VALUES ($1, $2, $3, $4, 'checking', $5::jsonb, $6, $7, $8, $9, $10, $11::timestamptz, $11::timestamptz)
   ON CONFLICT DO NOTHING`,
);

const notPaidSql = namedStatement(
  'orders_projection_not_paid',
  `UPDATE orders SET status = 'notPaid', invoice_id = $2, amount_due = $3, not_paid_reason = $4, updated_at = $5::timestamptz
    WHERE order_id = $1 AND status IN ('checking', 'notPaid')`,
);

const paidSql = namedStatement(
  'orders_projection_paid',
  `UPDATE orders SET status = 'delivering', invoice_id = $2, payment_id = $3, amount_due = 0, not_paid_reason = NULL,
                     paid_at = $4::timestamptz, updated_at = $4::timestamptz
    WHERE order_id = $1 AND status IN ('checking', 'notPaid')`,
);

const deliveredSql = namedStatement(
  'orders_projection_delivered',
  `UPDATE orders SET status = 'delivered', delivered_at = $2::timestamptz, updated_at = $2::timestamptz
    WHERE order_id = $1 AND status IN ('checking', 'notPaid', 'delivering')`,
);

@Injectable()
export class OrdersProjection implements Projection<OrdersTopicEnvelope> {
  readonly name = 'orders';
  readonly events = ordersTopicEvents;
  readonly readModelTables = ['orders'];
  readonly topics: readonly string[];

  constructor(@Inject(ORDER_TOPICS) topics: OrderTopics) {
    this.topics = [topics.orders];
  }

  async project(events: readonly ConsumedEvent<OrdersTopicEnvelope>[], manager: EntityManager): Promise<void> {
    for (const event of events) await this.apply(event, manager);
  }

  private async apply(event: ConsumedEvent<OrdersTopicEnvelope>, manager: EntityManager): Promise<void> {
    const update = (from: OrderStatus[], changes: Partial<OrderRecord>) =>
      manager.update(OrderRecord, { orderId: event.data.orderId, status: In(from) }, changes);

    switch (event.type) {
      case 'OrderPlaced': {
        const { data } = event;
        await runStatementWith(manager, insertPlacedSql, [
          data.orderId,
          data.customerId,
          data.subsidiary,
          data.currency,
          JSON.stringify(data.items),
          data.totals.withoutTax.value,
          data.totals.tax.value,
          data.totals.withTax.value,
          data.autoPay,
          data.paymentMethodId ?? null,
          data.placedAt,
        ]);
        return;
      }
      case 'OrderNotPaid':
        await runStatementWith(manager, notPaidSql, [event.data.orderId, event.data.invoiceId, event.data.amountDue.value, event.data.reason, event.data.notPaidAt]);
        return;
      case 'OrderPaid':
        await runStatementWith(manager, paidSql, [event.data.orderId, event.data.invoiceId, event.data.paymentId, event.data.paidAt]);
        return;
      case 'OrderDelivered':
        await runStatementWith(manager, deliveredSql, [event.data.orderId, event.data.deliveredAt]);
        return;
      case 'OrderCancelled':
        await update(unpaid, {
          status: 'cancelled',
          cancellationReason: event.data.reason,
          ...(event.data.invoiceId ? { invoiceId: event.data.invoiceId } : {}),
          refundAmount: event.data.refundAmount?.value ?? null,
          cancelledAt: new Date(event.data.cancelledAt),
          updatedAt: new Date(event.data.cancelledAt),
        });
        return;
      case 'OrderWithdrawn':
        await update(['delivered'], {
          status: 'withdrawn',
          refundAmount: event.data.refundAmount.value,
          withdrawnAt: new Date(event.data.withdrawnAt),
          updatedAt: new Date(event.data.withdrawnAt),
        });
        return;
    }
  }
}
