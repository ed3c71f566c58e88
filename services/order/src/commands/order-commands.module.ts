import { Module } from '@nestjs/common';
import { OrderMetrics } from '../metrics/order-metrics';
import { OrderCommands } from './order-commands';

@Module({ providers: [OrderCommands, OrderMetrics], exports: [OrderCommands] })
export class OrderCommandsModule {}
