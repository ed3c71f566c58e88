// The customer's order API: one-click ordering (with dry run and Idempotency-Key), his orders,
// their status, cancellation before payment and the EU withdrawal after delivery.
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { OrderCommands } from '../commands/order-commands';
import { OrderNotFound } from '../domain/order-refusals';
import { OrdersQuery } from '../read-models/orders/orders.query';
import { idempotencyKeySchema, orderIdParamsSchema, ordersPageQuerySchema, placeOrderSchema, type OrdersPageQuery, type PlaceOrderBody } from './order-requests';
import { dryRunView, orderStateView, orderStatusView, orderView, placedOrderView } from './order-views';

/** The request schema as the OpenAPI document shows it (the same zod schema that validates it). */
function openApiSchemaOf(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' });
  return jsonSchema as SchemaObject;
}

const refusal = (description: string) => ({ description, schema: { example: { statusCode: 422, code: 'REASON_CODE', message: '…' } } });

@ApiTags('orders')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly commands: OrderCommands,
    private readonly orders: OrdersQuery,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Place a one-click order (or price it with dryRun)',
    description:
      'Prices the items with the catalog for the subsidiary, with the tax of the declared customer profile (invoicing recomputes the tax from the account), and places the order (status `checking`). With `autoPay`, invoicing charges `paymentMethodId` once the invoice is issued; it also checks that the method is the customer\'s, and a refusal comes back as a failed payment (status `notPaid`). An `Idempotency-Key` makes retries safe: the same key and body give the same answer; another body under that key is refused.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1–255 visible ASCII characters, unique per order the client means to place' })
  @ApiBody({ schema: openApiSchemaOf(placeOrderSchema) })
  @ApiResponse({ status: 201, description: 'The order placed (status checking)' })
  @ApiResponse({ status: 200, description: 'dryRun: the priced order; nothing created' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (with fields), UNKNOWN_SUBSIDIARY, INVALID_QUANTITY, EMPTY_CART, INVALID_VAT_NUMBER, UNKNOWN_COUNTRY' })
  @ApiResponse({
    status: 422,
    ...refusal('UNKNOWN_PLAN, PERIOD_NOT_ALLOWED, PLAN_NOT_SOLD_IN_SUBSIDIARY, NO_CATALOG_VERSION, VAT_RATE_NOT_FOUND, PAYMENT_METHOD_REQUIRED, IDEMPOTENCY_KEY_REUSED'),
  })
  async place(
    @CurrentPrincipal() principal: Principal,
    @Body(validated(placeOrderSchema)) body: PlaceOrderBody,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const idempotencyKey = validated(idempotencyKeySchema).transform(idempotencyKeyHeader);
    const { dryRun, ...request } = body;
    if (dryRun) {
      response.status(200);
      return dryRunView(this.commands.price(request), request);
    }
    const { order } = await this.commands.place(principal.customerId, request, idempotencyKey);
    return placedOrderView(order);
  }

  @Get()
  @ApiOperation({ summary: "The customer's orders, newest first", description: 'Pass `nextCursor` back as `cursor` for the next page.' })
  @ApiResponse({ status: 200, description: '{ orders, nextCursor? }' })
  async list(@CurrentPrincipal() principal: Principal, @Query(validated(ordersPageQuerySchema)) query: OrdersPageQuery) {
    const page = await this.orders.pageOfCustomer(principal.customerId, query.limit, query.cursor);
    return { orders: page.orders.map(orderView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'One of the customer\'s orders' })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND: unknown, or not the customer\'s' })
  async get(@CurrentPrincipal() principal: Principal, @Param(validated(orderIdParamsSchema)) { orderId }: { orderId: string }) {
    const record = await this.orders.ofCustomer(principal.customerId, orderId);
    if (!record) throw new OrderNotFound(orderId);
    return orderView(record);
  }

  @Get(':orderId/status')
  @ApiOperation({ summary: "The order's status: checking, notPaid, delivering, delivered, cancelled or withdrawn" })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND' })
  async status(@CurrentPrincipal() principal: Principal, @Param(validated(orderIdParamsSchema)) { orderId }: { orderId: string }) {
    const record = await this.orders.ofCustomer(principal.customerId, orderId);
    if (!record) throw new OrderNotFound(orderId);
    return orderStatusView(record);
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order not paid yet (checking or notPaid); repeating it changes nothing' })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'ORDER_NOT_CANCELLABLE: paid already' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param(validated(orderIdParamsSchema)) { orderId }: { orderId: string }) {
    return orderStateView(await this.commands.cancel(principal.customerId, orderId));
  }

  @Post(':orderId/withdraw')
  @HttpCode(200)
  @ApiOperation({
    summary: 'EU consumer withdrawal within 14 days of delivery',
    description: 'The services end and invoicing refunds the payment with a credit note (reason withdrawal).',
  })
  @ApiResponse({ status: 404, description: 'ORDER_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'ORDER_NOT_DELIVERED' })
  @ApiResponse({ status: 422, description: 'WITHDRAWAL_PERIOD_OVER, WITHDRAWAL_NOT_APPLICABLE (business customer, or a subsidiary outside the EU)' })
  async withdraw(@CurrentPrincipal() principal: Principal, @Param(validated(orderIdParamsSchema)) { orderId }: { orderId: string }) {
    return orderStateView(await this.commands.withdraw(principal.customerId, orderId));
  }
}
