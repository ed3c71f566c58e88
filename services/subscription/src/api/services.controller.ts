// The customer's services API: his services, their renew settings, the termination in one
// click confirmed by the e-mailed token, the legacy contract's acceptance, plan upgrades.
// Reads come from the read model (eventually consistent); command answers from the aggregate.
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import { z } from 'zod';
import { ServiceCommands } from '../commands/service-commands';
import type { ExistingServiceState } from '../domain/service';
import { ServiceNotFound } from '../domain/service-refusals';
import { AutorenewSettingsQuery } from '../read-models/autorenew-settings/autorenew-settings.query';
import { ServicesQuery } from '../read-models/services/services.query';
import {
  changePlanSchema,
  confirmTerminationSchema,
  openApiSchemaOf,
  renewSettingsSchema,
  serviceIdParamsSchema,
  servicesPageQuerySchema,
  terminateSchema,
  type ConfirmTerminationBody,
  type RenewSettingsBody,
  type ServicesPageQuery,
} from './service-requests';
import { planChangeView, serviceView, snapshotOf, type ServiceSnapshot } from './service-views';

type ServiceIdParams = { serviceId: string };

@ApiTags('services')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@ApiResponse({ status: 404, description: "SERVICE_NOT_FOUND: unknown, or not the customer's" })
@Controller('services')
export class ServicesController {
  constructor(
    private readonly commands: ServiceCommands,
    private readonly services: ServicesQuery,
    private readonly renewDays: AutorenewSettingsQuery,
  ) {}

  @Get()
  @ApiOperation({ summary: "The customer's services", description: 'Ordered by service id; pass `nextCursor` back as `cursor` for the next page.' })
  async list(@CurrentPrincipal() principal: Principal, @Query(validated(servicesPageQuerySchema)) query: ServicesPageQuery) {
    const [page, renewDay] = await Promise.all([this.services.pageOfCustomer(principal.customerId, query.limit, query.cursor), this.renewDays.ofCustomer(principal.customerId)]);
    return {
      services: page.services.map((service) => serviceView(service, renewDay, this.commands.todayIn(service.subsidiary))),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  @Get(':serviceId')
  @ApiOperation({ summary: 'One of the customer\'s services: plan, status, expiration, renew settings, lifecycle, engagement, price' })
  async get(@CurrentPrincipal() principal: Principal, @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams) {
    const record = await this.services.ofCustomer(principal.customerId, serviceId);
    if (!record) throw new ServiceNotFound(serviceId);
    return this.view(principal.customerId, record);
  }

  @Put(':serviceId')
  @ApiOperation({ summary: 'Change the renew mode and period; `terminationPolicy: empty` cancels a pending termination' })
  @ApiBody({ schema: openApiSchemaOf(renewSettingsSchema) })
  @ApiResponse({ status: 200, description: 'The service with its new settings' })
  @ApiResponse({ status: 409, description: 'SERVICE_TERMINATED' })
  @ApiResponse({ status: 422, description: 'PERIOD_NOT_ALLOWED, CONTRACT_NOT_ACCEPTED (automatic before accepting the new contract), TERMINATION_NEEDS_CONFIRMATION' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams,
    @Body(validated(renewSettingsSchema)) body: RenewSettingsBody,
  ) {
    return this.stateView(principal.customerId, await this.commands.changeRenewSettings(principal.customerId, serviceId, body));
  }

  @Post(':serviceId/terminate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask to terminate: a one-time confirmation token is e-mailed to the customer',
    description: 'The token is never in this answer: it travels in the ServiceTerminationRequested notification only. It is valid 48 hours; a new request replaces it.',
  })
  @ApiBody({ required: false, schema: openApiSchemaOf(terminateSchema) })
  @ApiResponse({ status: 202, description: '{ serviceId, tokenExpiresAt }: the token is on its way' })
  @ApiResponse({ status: 409, description: 'SERVICE_TERMINATED, TERMINATION_ALREADY_SCHEDULED' })
  @ApiResponse({ status: 422, description: 'ENGAGEMENT_NOT_OVER (ask terminateAtEngagementDate)' })
  async terminate(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams,
    @Body(validated(terminateSchema)) body: z.output<typeof terminateSchema>,
  ) {
    const { tokenExpiresAt } = await this.commands.requestTermination(principal.customerId, serviceId, body.terminateAtEngagementDate ?? false);
    return { serviceId, tokenExpiresAt };
  }

  @Post(':serviceId/confirmTermination')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the termination with the e-mailed token',
    description: 'At the expiration date by default (pending action terminateAtExpirationDate), now with `immediate`, at the engagement end with `terminateAtEngagementDate`.',
  })
  @ApiBody({ schema: openApiSchemaOf(confirmTerminationSchema) })
  @ApiResponse({ status: 422, description: 'INVALID_TERMINATION_TOKEN (wrong, used or expired), ENGAGEMENT_NOT_OVER' })
  async confirmTermination(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams,
    @Body(validated(confirmTerminationSchema)) body: ConfirmTerminationBody,
  ) {
    return this.stateView(principal.customerId, await this.commands.confirmTermination(principal.customerId, serviceId, body));
  }

  @Post(':serviceId/cancelTermination')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending termination (requested or confirmed) before it takes effect: the service renews again' })
  @ApiResponse({ status: 409, description: 'NO_PENDING_TERMINATION, SERVICE_TERMINATED' })
  async cancelTermination(@CurrentPrincipal() principal: Principal, @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams) {
    return this.stateView(principal.customerId, await this.commands.cancelTermination(principal.customerId, serviceId));
  }

  @Post(':serviceId/acceptContract')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept the new contract for a legacy service, in one click: it renews automatically from then on' })
  @ApiResponse({ status: 409, description: 'NO_CONTRACT_TO_ACCEPT (not a legacy service), SERVICE_TERMINATED' })
  async acceptContract(@CurrentPrincipal() principal: Principal, @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams) {
    return this.stateView(principal.customerId, await this.commands.acceptContract(principal.customerId, serviceId));
  }

  @Post(':serviceId/changePlan/simulate')
  @HttpCode(200)
  @ApiOperation({ summary: 'What an upgrade would cost now: the unused days of the current plan credited, the new plan charged until the expiration' })
  @ApiBody({ schema: openApiSchemaOf(changePlanSchema) })
  @ApiResponse({ status: 409, description: 'SERVICE_NOT_ACTIVE, SERVICE_TERMINATED' })
  @ApiResponse({ status: 422, description: 'PLAN_CHANGE_NOT_ALLOWED (another product, or a downgrade), PERIOD_NOT_ALLOWED, UNKNOWN_PLAN, PLAN_NOT_SOLD_IN_SUBSIDIARY' })
  async simulatePlanChange(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams,
    @Body(validated(changePlanSchema)) body: z.infer<typeof changePlanSchema>,
  ) {
    return planChangeView(await this.commands.simulatePlanChange(principal.customerId, serviceId, body.planCode));
  }

  @Post(':serviceId/changePlan')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upgrade now: one invoice will credit the unused days of the current plan and charge the new one, by day' })
  @ApiBody({ schema: openApiSchemaOf(changePlanSchema) })
  @ApiResponse({ status: 409, description: 'SERVICE_NOT_ACTIVE, SERVICE_TERMINATED' })
  @ApiResponse({ status: 422, description: 'PLAN_CHANGE_NOT_ALLOWED, PERIOD_NOT_ALLOWED, UNKNOWN_PLAN, PLAN_NOT_SOLD_IN_SUBSIDIARY' })
  async changePlan(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(serviceIdParamsSchema)) { serviceId }: ServiceIdParams,
    @Body(validated(changePlanSchema)) body: z.infer<typeof changePlanSchema>,
  ) {
    const quote = await this.commands.changePlan(principal.customerId, serviceId, body.planCode);
    return { planChangeId: quote.change.planChangeId, ...planChangeView(quote) };
  }

  private async view(customerId: string, service: ServiceSnapshot) {
    return serviceView(service, await this.renewDays.ofCustomer(customerId), this.commands.todayIn(service.subsidiary));
  }

  private stateView(customerId: string, state: ExistingServiceState) {
    return this.view(customerId, snapshotOf(state));
  }
}
