// The customer's own account (GET/PUT /me) and payment methods (/me/payment/method).
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import { z } from 'zod';
import { CustomerAccounts } from '../commands/customer-accounts';
import { paymentMethodOf } from '../domain/customer-account';
import { CustomerAccountNotFound, PaymentMethodNotFound } from '../domain/invoicing-refusals';
import {
  customerAccountSchema,
  paymentMethodIdParamsSchema,
  paymentMethodSchema,
  type CustomerAccountBody,
  type PaymentMethodBody,
} from './requests';
import { accountView, paymentMethodView } from './views';

@ApiTags('customer account')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@Controller('me')
export class AccountController {
  constructor(private readonly accounts: CustomerAccounts) {}

  @Get()
  @ApiOperation({
    summary: "The customer's account: who is billed",
    description:
      'Status `complete` once set with PUT /me; `provisional` when invoicing opened it from an order (subsidiary and its country only) and the customer has not completed it yet.',
  })
  @ApiResponse({ status: 404, description: 'CUSTOMER_ACCOUNT_NOT_FOUND' })
  async get(@CurrentPrincipal() principal: Principal) {
    const state = await this.accounts.load(principal.customerId);
    if (state.status === 'none') throw new CustomerAccountNotFound(principal.customerId);
    return accountView(state);
  }

  @Put()
  @ApiOperation({
    summary: 'Create or replace the account (the whole profile)',
    description: 'Publishes CustomerAccountUpdated. Invoices issued before keep the account as it was when they were issued.',
  })
  @ApiBody({ schema: z.toJSONSchema(customerAccountSchema, { io: 'input' }) as SchemaObject })
  @ApiResponse({ status: 200, description: 'The account' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (with fields), INVALID_VAT_NUMBER, UNKNOWN_COUNTRY, UNKNOWN_SUBSIDIARY' })
  @ApiResponse({ status: 404, description: 'PAYMENT_METHOD_NOT_FOUND: defaultPaymentMethodId is not one of the customer\'s' })
  async put(@CurrentPrincipal() principal: Principal, @Body(validated(customerAccountSchema)) body: CustomerAccountBody) {
    const state = await this.accounts.update(principal.customerId, body);
    if (state.status === 'none') throw new CustomerAccountNotFound(principal.customerId);
    return accountView(state);
  }

  @Get('payment/method')
  @ApiTags('payment methods')
  @ApiOperation({ summary: "The customer's payment methods (never their tokens)" })
  async paymentMethods(@CurrentPrincipal() principal: Principal) {
    const state = await this.accounts.load(principal.customerId);
    if (state.status === 'none') return { paymentMethods: [] };
    return { paymentMethods: state.paymentMethods.map((method) => paymentMethodView(method, state.defaultPaymentMethodId)) };
  }

  @Post('payment/method')
  @HttpCode(201)
  @ApiTags('payment methods')
  @ApiOperation({
    summary: 'Register a payment method by its gateway token',
    description:
      'The card (or mandate, or PayPal agreement) is tokenised by the payment gateway on the client side: this API takes the token, never a card number. The first method, or one sent with `default: true`, becomes the default.',
  })
  @ApiBody({ schema: z.toJSONSchema(paymentMethodSchema, { io: 'input' }) as SchemaObject })
  @ApiResponse({ status: 201, description: 'The payment method' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED: unknown type, malformed token, or something that looks like a card number' })
  @ApiResponse({ status: 404, description: 'CUSTOMER_ACCOUNT_NOT_FOUND: PUT /me first' })
  async register(@CurrentPrincipal() principal: Principal, @Body(validated(paymentMethodSchema)) body: PaymentMethodBody) {
    const { method, isDefault } = await this.accounts.registerPaymentMethod(principal.customerId, body);
    return paymentMethodView(method, isDefault ? method.paymentMethodId : undefined);
  }

  @Get('payment/method/:paymentMethodId')
  @ApiTags('payment methods')
  @ApiOperation({ summary: 'One of the customer\'s payment methods' })
  @ApiResponse({ status: 404, description: 'PAYMENT_METHOD_NOT_FOUND: unknown, or not the customer\'s' })
  async paymentMethod(@CurrentPrincipal() principal: Principal, @Param(validated(paymentMethodIdParamsSchema)) { paymentMethodId }: { paymentMethodId: string }) {
    const state = await this.accounts.load(principal.customerId);
    const method = paymentMethodOf(state, paymentMethodId);
    if (!method || state.status === 'none') throw new PaymentMethodNotFound(paymentMethodId);
    return paymentMethodView(method, state.defaultPaymentMethodId);
  }
}
