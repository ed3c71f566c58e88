// Projects billing.orders.v1 into the orders read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, and each update also names the statuses it may follow, so nothing regresses.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import { In, type EntityManager } from 'typeorm';
import type { OrderStatus } from '../../domain/order';
import { ORDER_TOPICS, type OrderTopics } from '../../order-topics';
import { OrderRecord } from './order-record.entity';
import { ordersTopicEvents, type OrdersTopicEnvelope } from './orders-topic-events';

const unpaid: OrderStatus[] = ['checking', 'notPaid'];

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
        await manager
          .createQueryBuilder()
          .insert()
          .into(OrderRecord)
          .values({
            orderId: data.orderId,
            customerId: data.customerId,
            subsidiary: data.subsidiary,
            currency: data.currency,
            status: 'checking',
            items: data.items,
            totalWithoutTax: data.totals.withoutTax.value,
            totalTax: data.totals.tax.value,
            totalWithTax: data.totals.withTax.value,
            autoPay: data.autoPay,
            paymentMethodId: data.paymentMethodId ?? null,
            placedAt: new Date(data.placedAt),
            updatedAt: new Date(data.placedAt),
          })
          .orIgnore()
          .execute();
        return;
      }
      case 'OrderNotPaid':
        await update(unpaid, {
          status: 'notPaid',
          invoiceId: event.data.invoiceId,
          amountDue: event.data.amountDue.value,
          notPaidReason: event.data.reason,
          updatedAt: new Date(event.data.notPaidAt),
        });
        return;
      case 'OrderPaid':
        await update(unpaid, {
          status: 'delivering',
          invoiceId: event.data.invoiceId,
          paymentId: event.data.paymentId,
          amountDue: 0,
          notPaidReason: null,
          paidAt: new Date(event.data.paidAt),
          updatedAt: new Date(event.data.paidAt),
        });
        return;
      case 'OrderDelivered':
        await update([...unpaid, 'delivering'], { status: 'delivered', deliveredAt: new Date(event.data.deliveredAt), updatedAt: new Date(event.data.deliveredAt) });
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
