import { Module } from '@nestjs/common';
import { OrderCommandsModule } from '../commands/order-commands.module';
import { OrdersReadModelModule } from '../read-models/orders/orders-read-model.module';
import { OperatorOrdersController } from './operator-orders.controller';
import { OrdersController } from './orders.controller';

@Module({ imports: [OrderCommandsModule, OrdersReadModelModule], controllers: [OrdersController, OperatorOrdersController] })
export class ApiModule {}
