// Delivered orders become services (one per unit of each item); an EU withdrawal ends the
// services of the withdrawn items at once.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { ServiceCommands } from '../commands/service-commands';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopics } from '../subscription-topics';
import { ordersTopicEvents, type OrdersTopicEnvelope } from '../topic-events/orders-topic-events';

@Injectable()
export class OrderDeliveriesReaction implements Reaction<OrdersTopicEnvelope> {
  readonly name = 'order-deliveries';
  readonly events = ordersTopicEvents;
  readonly handles: OrdersTopicEnvelope['type'][] = ['OrderDelivered', 'OrderWithdrawn'];
  // the effect is the services' own streams, whose event ids derive from this event's id (and
  // whose ids derive from the order item): a repeat after a crash appends nothing
  readonly idempotency = 'check-then-record' as const;
  // a fresh consumer group must not miss deliveries made before it joined
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(SUBSCRIPTION_TOPICS) topics: SubscriptionTopics,
    private readonly services: ServiceCommands,
  ) {
    this.topics = [topics.orders];
  }

  async react(event: ConsumedEvent<OrdersTopicEnvelope>): Promise<void> {
    if (event.type === 'OrderDelivered') await this.services.activateDeliveredOrder(event);
    else if (event.type === 'OrderWithdrawn') await this.services.withdrawDeliveredItems(event);
  }
}
