// Operators: the renewal forecast, and a scheduler run on demand (or a dry run of it).
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@billing/auth';
import { validated } from '@billing/platform';
import { RenewalForecastQuery, type ForecastWindow } from '../read-models/forecast/renewal-forecast.query';
import { RenewalScheduler } from '../scheduler/renewal-scheduler';
import { forecastQuerySchema, openApiSchemaOf, renewalRunSchema } from './renewal-requests';

@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@ApiResponse({ status: 403, description: 'OPERATOR_ROLE_REQUIRED' })
@Controller()
export class OperatorRenewalsController {
  constructor(
    private readonly forecasts: RenewalForecastQuery,
    private readonly scheduler: RenewalScheduler,
  ) {}

  @Get('forecast')
  @ApiOperation({
    summary: 'Expected renewal revenue of the terms expiring in the window',
    description:
      'Per subsidiary, universe and currency, in integer minor units: `automatic` (renewed and charged on their own: expected), `manual` (the customer pays himself: uncertain), `churn` (deleteAtExpiration or a pending termination). Terms already renewed are not counted.',
  })
  @ApiQuery({ name: 'window', required: false, enum: ['30', '60', '90'] })
  forecast(@Query(validated(forecastQuerySchema)) query: { window: number }) {
    return this.forecasts.forecast(query.window as ForecastWindow);
  }

  @Post('operator/renewals/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the renewal scheduler now',
    description:
      'Claims every due term (as the loop does), performs its steps and reports what it did; `dryRun` reports what is due and what it would do, claiming nothing.',
  })
  @ApiBody({ required: false, schema: openApiSchemaOf(renewalRunSchema.unwrap()) })
  run(@Body(validated(renewalRunSchema)) body: { dryRun?: boolean } | undefined) {
    return this.scheduler.run({ dryRun: body?.dryRun ?? false });
  }
}
