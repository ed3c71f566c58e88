// Business figures of ordering on the service's Prometheus registry.
import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@billing/platform';
import { Counter, type Registry } from 'prom-client';
import type { OrderPlacedData } from '../domain/order';

@Injectable()
export class OrderMetrics {
  private readonly ordersPlaced: Counter<'subsidiary' | 'universe'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.ordersPlaced = new Counter({
      name: 'orders_placed_total',
      help: 'Orders placed, per subsidiary and per universe ordered (an order spanning two universes counts in both)',
      labelNames: ['subsidiary', 'universe'],
      registers: [registry],
    });
  }

  orderPlaced(order: OrderPlacedData): void {
    for (const universe of new Set(order.items.map((item) => item.universe))) {
      this.ordersPlaced.inc({ subsidiary: order.subsidiary, universe });
    }
  }
}
