// Reading the orders read model: a customer's orders newest first with keyset pagination (a
// cursor that stays right while new orders arrive), one order of a customer, any order for operators.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderRecord } from './order-record.entity';

export class InvalidCursor extends Error {
  readonly reason = 'INVALID_CURSOR';
  readonly kind = 'invalidRequest';
  override readonly name = 'InvalidCursor';

  constructor() {
    super('the cursor is not one this service returned');
  }
}

export type OrdersPage = Readonly<{ orders: OrderRecord[]; nextCursor?: string }>;

type Position = { placedAt: string; orderId: string };

function encodeCursor(record: OrderRecord): string {
  const position: Position = { placedAt: record.placedAt.toISOString(), orderId: record.orderId };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Position>;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (typeof position.placedAt === 'string' && !Number.isNaN(Date.parse(position.placedAt)) && typeof position.orderId === 'string' && uuid.test(position.orderId)) {
      return { placedAt: position.placedAt, orderId: position.orderId };
    }
  } catch {
    // falls through to the refusal
  }
  throw new InvalidCursor();
}

@Injectable()
export class OrdersQuery {
  constructor(private readonly dataSource: DataSource) {}

  async pageOfCustomer(customerId: string, limit: number, cursor?: string): Promise<OrdersPage> {
    const query = this.dataSource
      .getRepository(OrderRecord)
      .createQueryBuilder('o')
      .where('o.customerId = :customerId', { customerId })
      .orderBy('o.placedAt', 'DESC')
      .addOrderBy('o.orderId', 'DESC')
      .limit(limit + 1);
    if (cursor !== undefined) {
      const after = decodeCursor(cursor);
      query.andWhere('(o.placedAt, o.orderId) < (:placedAt, :orderId)', after);
    }
    const rows = await query.getMany();
    const orders = rows.slice(0, limit);
    return rows.length > limit ? { orders, nextCursor: encodeCursor(orders[orders.length - 1]) } : { orders };
  }

  /** The customer's order; undefined as well when it is someone else's. */
  async ofCustomer(customerId: string, orderId: string): Promise<OrderRecord | undefined> {
    return (await this.dataSource.getRepository(OrderRecord).findOneBy({ orderId, customerId })) ?? undefined;
  }

  async byId(orderId: string): Promise<OrderRecord | undefined> {
    return (await this.dataSource.getRepository(OrderRecord).findOneBy({ orderId })) ?? undefined;
  }
}
