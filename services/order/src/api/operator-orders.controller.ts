// Operators look at any order: the read model's view and the facts of its stream.
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@billing/auth';
import { validated } from '@billing/platform';
import { OrderNotFound } from '../domain/order-refusals';
import { OrderHistoryQuery } from '../read-models/order-history/order-history.query';
import { OrdersQuery } from '../read-models/orders/orders.query';
import { orderIdParamsSchema } from './order-requests';
import { orderView } from './order-views';

@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@Controller('operator/orders')
export class OperatorOrdersController {
  constructor(
    private readonly orders: OrdersQuery,
    private readonly history: OrderHistoryQuery,
  ) {}

  @Get(':orderId')
  @ApiOperation({ summary: 'Any order, with its customer and the history of its stream (operator role)' })
  @ApiResponse({ status: 403, description: 'OPERATOR_ROLE_REQUIRED' })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND' })
  async get(@Param(validated(orderIdParamsSchema)) { orderId }: { orderId: string }) {
    const [record, history] = await Promise.all([this.orders.byId(orderId), this.history.of(orderId)]);
    if (!record && history.length === 0) throw new OrderNotFound(orderId);
    // the stream may be ahead of the read model by a moment: the history says what is stored
    return { ...(record ? { order: { ...orderView(record), customerId: record.customerId } } : {}), history };
  }
}
