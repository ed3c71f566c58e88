// The customer's account-level renewal settings: the renew day on which automatic renewals are
// grouped and charged (`/me/autorenew`, as in the public API).
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import { AutorenewSettingsCommands } from '../autorenew/autorenew-settings.commands';
import { autorenewSettingsSchema, openApiSchemaOf, type AutorenewSettingsBody } from './renewal-requests';

@ApiTags('renewals')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@Controller('me/autorenew')
export class AutorenewController {
  constructor(private readonly settings: AutorenewSettingsCommands) {}

  @Get()
  @ApiOperation({ summary: "The account's renewal settings", description: '`{active, renewDay}`; an account that never set them: `{active: false, renewDay: null}`.' })
  get(@CurrentPrincipal() principal: Principal) {
    return this.settings.of(principal.customerId);
  }

  @Put()
  @ApiOperation({
    summary: 'Set the renew day',
    description:
      "With `active`, the renewal invoices of the account's services are requested on the last renew day before each expiration (at most 30 days before). Terms not invoiced yet move to the new date. Publishes AutorenewSettingsChanged (nothing when unchanged).",
  })
  @ApiBody({ schema: openApiSchemaOf(autorenewSettingsSchema) })
  @ApiResponse({ status: 200, description: 'The settings now in force' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (renewDay outside 1–30)' })
  put(@CurrentPrincipal() principal: Principal, @Body(validated(autorenewSettingsSchema)) body: AutorenewSettingsBody) {
    return this.settings.change(principal.customerId, body);
  }
}
