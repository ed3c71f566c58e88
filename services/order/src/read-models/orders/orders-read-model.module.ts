import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { OrderHistoryQuery } from '../order-history/order-history.query';
import { OrdersProjection } from './orders.projection';
import { OrdersQuery } from './orders.query';

@Module({
  imports: [MessagingModule.forFeature({ projections: [OrdersProjection] })],
  providers: [OrdersQuery, OrderHistoryQuery],
  exports: [OrdersQuery, OrderHistoryQuery],
})
export class OrdersReadModelModule {}
