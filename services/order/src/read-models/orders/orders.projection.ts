// Projects billing.orders.v1 into the orders read model. Row writes and the partition's position
// commit together (messaging's exactly-once projection); a customer's events arrive in order on
// one partition, and each update also names the statuses it may follow, so nothing regresses.
import { Inject, Injectable } from '@nestjs/common';
import { writeInKeyedSteps, type ConsumedEvent, type Projection } from '@billing/messaging';
import { namedStatement, runStatementWith, type NamedStatement } from '@billing/eventsourcing';
import { In, type EntityManager } from 'typeorm';
import type { OrderStatus } from '../../domain/order';
import { ORDER_TOPICS, type OrderTopics } from '../../order-topics';
import { OrderRecord } from './order-record.entity';
import { ordersTopicEvents, type OrdersTopicEnvelope } from './orders-topic-events';

const unpaid: OrderStatus[] = ['checking', 'notPaid'];

// The four steps every order takes, each one statement for a whole step of a run (see
// writeInKeyedSteps): the rows come as a JSON record set. The rarer steps go through TypeORM, one
// by one. Table names stay unqualified: a rebuild points search_path at its shadow schema.
// An update names its rows' ids again as an array ($2): the planner cannot size a JSON record set
// (it guesses 100 rows), so on a table of a few thousand orders its generic plan scanned the whole
// table for each run (1.2 ms for one order in a sustained run); with the ids it reads the primary key.
const insertPlacedSql = namedStatement(
  'orders_projection_placed_run',
  `INSERT INTO orders (order_id, customer_id, subsidiary, currency, status, items, total_without_tax, total_tax, total_with_tax,
                       auto_pay, payment_method_id, placed_at, updated_at)
   SELECT r.order_id, r.customer_id, r.subsidiary, r.currency, 'checking', r.items, r.total_without_tax, r.total_tax, r.total_with_tax,
          r.auto_pay, r.payment_method_id, r.placed_at, r.placed_at
     FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, customer_id text, subsidiary text, currency text, items jsonb,
                                             total_without_tax bigint, total_tax bigint, total_with_tax bigint,
                                             auto_pay boolean, payment_method_id text, placed_at timestamptz)
   ON CONFLICT DO NOTHING`,
);

const notPaidSql = namedStatement(
  'orders_projection_not_paid_run',
  `UPDATE orders o SET status = 'notPaid', invoice_id = r.invoice_id, amount_due = r.amount_due, not_paid_reason = r.reason, updated_at = r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, invoice_id uuid, amount_due bigint, reason text, at timestamptz)
    WHERE o.order_id = r.order_id AND o.order_id = ANY($2::uuid[]) AND o.status IN ('checking', 'notPaid')`,
);

const paidSql = namedStatement(
  'orders_projection_paid_run',
  `UPDATE orders o SET status = 'delivering', invoice_id = r.invoice_id, payment_id = r.payment_id, amount_due = 0, not_paid_reason = NULL,
                       paid_at = r.at, updated_at = r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, invoice_id uuid, payment_id uuid, at timestamptz)
    WHERE o.order_id = r.order_id AND o.order_id = ANY($2::uuid[]) AND o.status IN ('checking', 'notPaid')`,
);

const deliveredSql = namedStatement(
  'orders_projection_delivered_run',
  `UPDATE orders o SET status = 'delivered', delivered_at = r.at, updated_at = r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, at timestamptz)
    WHERE o.order_id = r.order_id AND o.order_id = ANY($2::uuid[]) AND o.status IN ('checking', 'notPaid', 'delivering')`,
);

type OrdersEvent = ConsumedEvent<OrdersTopicEnvelope>;
type Stepped = Extract<OrdersEvent, { type: 'OrderPlaced' | 'OrderNotPaid' | 'OrderPaid' | 'OrderDelivered' }>;
const stepped = new Set<OrdersEvent['type']>(['OrderPlaced', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered']);
const isStepped = (event: OrdersEvent): event is Stepped => stepped.has(event.type);

/** One step's rows: the record set of its statement. */
function rowsOf(type: Stepped['type'], events: readonly Stepped[]): { statement: NamedStatement; rows: { order_id: string }[] } {
  switch (type) {
    case 'OrderPlaced':
      return {
        statement: insertPlacedSql,
        rows: events.map((event) => {
          const data = (event as Extract<Stepped, { type: 'OrderPlaced' }>).data;
          return {
            order_id: data.orderId,
            customer_id: data.customerId,
            subsidiary: data.subsidiary,
            currency: data.currency,
            items: data.items,
            total_without_tax: data.totals.withoutTax.value,
            total_tax: data.totals.tax.value,
            total_with_tax: data.totals.withTax.value,
            auto_pay: data.autoPay,
            payment_method_id: data.paymentMethodId ?? null,
            placed_at: data.placedAt,
          };
        }),
      };
    case 'OrderNotPaid':
      return {
        statement: notPaidSql,
        rows: events.map((event) => {
          const data = (event as Extract<Stepped, { type: 'OrderNotPaid' }>).data;
          return { order_id: data.orderId, invoice_id: data.invoiceId, amount_due: data.amountDue.value, reason: data.reason, at: data.notPaidAt };
        }),
      };
    case 'OrderPaid':
      return {
        statement: paidSql,
        rows: events.map((event) => {
          const data = (event as Extract<Stepped, { type: 'OrderPaid' }>).data;
          return { order_id: data.orderId, invoice_id: data.invoiceId, payment_id: data.paymentId, at: data.paidAt };
        }),
      };
    case 'OrderDelivered':
      return {
        statement: deliveredSql,
        rows: events.map((event) => {
          const data = (event as Extract<Stepped, { type: 'OrderDelivered' }>).data;
          return { order_id: data.orderId, at: data.deliveredAt };
        }),
      };
  }
}

@Injectable()
export class OrdersProjection implements Projection<OrdersTopicEnvelope> {
  readonly name = 'orders';
  readonly events = ordersTopicEvents;
  readonly readModelTables = ['orders'];
  readonly topics: readonly string[];

  constructor(@Inject(ORDER_TOPICS) topics: OrderTopics) {
    this.topics = [topics.orders];
  }

  async project(events: readonly OrdersEvent[], manager: EntityManager): Promise<void> {
    await writeInKeyedSteps(events, {
      // an order's row: its id (uuids compare whatever their case); the rare steps alone
      keyOf: (event) => (isStepped(event) ? event.data.orderId.toLowerCase() : undefined),
      typeOf: (event) => event.type,
      writeBatch: async (type, batch) => {
        const { statement, rows } = rowsOf(type as Stepped['type'], batch as Stepped[]);
        await runStatementWith(manager, statement, type === 'OrderPlaced' ? [JSON.stringify(rows)] : [JSON.stringify(rows), rows.map((row) => row.order_id)]);
      },
      writeOne: (event) => this.applyRare(event, manager),
    });
  }

  private async applyRare(event: OrdersEvent, manager: EntityManager): Promise<void> {
    const update = (from: OrderStatus[], changes: Partial<OrderRecord>) =>
      manager.update(OrderRecord, { orderId: event.data.orderId, status: In(from) }, changes);

    switch (event.type) {
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
