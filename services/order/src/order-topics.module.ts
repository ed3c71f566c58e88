import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { OrderConfig } from './config';
import { ORDER_TOPICS, orderTopicsOf } from './order-topics';

/** The (prefixed) topic names, for the projection and the reaction. */
@Global()
@Module({})
export class OrderTopicsModule {
  static forRoot(config: OrderConfig): DynamicModule {
    return { module: OrderTopicsModule, providers: [{ provide: ORDER_TOPICS, useValue: orderTopicsOf(config) }], exports: [ORDER_TOPICS] };
  }
}
