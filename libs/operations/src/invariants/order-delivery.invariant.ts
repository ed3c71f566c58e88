// Every delivered order has exactly one service per unit of each item: the order store's
// deliveries against the services the subscription store activated for them.
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

const deliveredItemsSql = `
  SELECT placed.data->>'orderId' AS order_id, item->>'itemId' AS item_id, (item->>'quantity')::int AS quantity
    FROM event_store.events delivered
    JOIN event_store.events placed ON placed.stream_id = delivered.stream_id AND placed.event_type = 'OrderPlaced'
   CROSS JOIN LATERAL jsonb_array_elements(placed.data->'items') AS item
   WHERE delivered.event_type = 'OrderDelivered'
     AND delivered.created_at < now() - make_interval(secs => $1)`;

const activatedSql = `
  SELECT data->>'orderId' AS order_id, lower(data->>'itemId') AS item_id, count(DISTINCT stream_id)::int AS services
    FROM event_store.events
   WHERE event_type = 'ServiceActivated'
   GROUP BY 1, 2`;

export const deliveredOrdersHaveTheirServices: Invariant = {
  name: 'delivered-orders-have-their-services',
  description: 'every delivered order has exactly one service per item unit',
  async check({ databases, graceSeconds }) {
    const [items, activated] = await Promise.all([
      databases.query<{ order_id: string; item_id: string; quantity: number }>('order', deliveredItemsSql, [graceSeconds]),
      databases.query<{ order_id: string; item_id: string; services: number }>('subscription', activatedSql),
    ]);
    const services = new Map(activated.map((row) => [`${row.order_id}/${row.item_id}`, row.services]));
    const violations: InvariantViolation[] = [];
    for (const item of items) {
      const count = services.get(`${item.order_id}/${item.item_id.toLowerCase()}`) ?? 0;
      if (count !== item.quantity) {
        violations.push({ id: `order ${item.order_id} item ${item.item_id}`, detail: `${item.quantity} unit(s) delivered, ${count} service(s) activated` });
      }
    }
    return { checked: new Set(items.map((item) => item.order_id)).size, violations: limited(violations) };
  },
};
