// The customer's upcoming renewals: for each of his services' terms, the reminders, the invoice
// date, the amount and what comes next.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import { CustomerRenewalsQuery } from '../read-models/customer-renewals/customer-renewals.query';
import { customerRenewalsQuerySchema } from './renewal-requests';

@ApiTags('renewals')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@Controller('me/renewals')
export class CustomerRenewalsController {
  constructor(private readonly renewals: CustomerRenewalsQuery) {}

  @Get()
  @ApiOperation({ summary: "The customer's renewal terms, latest expiration first (another customer's service gives an empty list)" })
  @ApiQuery({ name: 'serviceId', required: false, description: 'Only this service' })
  async list(@CurrentPrincipal() principal: Principal, @Query(validated(customerRenewalsQuerySchema)) query: { serviceId?: string }) {
    return { renewals: await this.renewals.of(principal.customerId, query.serviceId) };
  }
}
