// Operators: a period's invoices and credit notes as CSV (streamed), for accounting exports.
import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { OperatorOnly } from '@billing/auth';
import { validated } from '@billing/platform';
import { z } from 'zod';
import { InvoiceExportQuery, type InvoiceExportPeriod } from '../read-models/invoice-export/invoice-export.query';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const invoiceExportQuerySchema = z
  .object({ from: isoDate, to: isoDate, subsidiary: z.string().trim().min(1).max(16).optional() })
  .refine((period) => period.from <= period.to, { path: ['to'], message: 'expected a date on or after from' });

@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@ApiResponse({ status: 403, description: 'OPERATOR_ROLE_REQUIRED' })
@Controller('operator/invoices')
export class OperatorInvoicesController {
  constructor(private readonly exports: InvoiceExportQuery) {}

  @Get()
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: "A period's invoices and credit notes as CSV",
    description:
      'By issue date (the subsidiary calendar), both ends included: number, series, dates, customer, currency, net/tax/total in minor units and as decimals, status.',
  })
  @ApiQuery({ name: 'from', example: '2027-01-01' })
  @ApiQuery({ name: 'to', example: '2027-01-31' })
  @ApiQuery({ name: 'subsidiary', required: false, example: 'FR' })
  export(@Query(validated(invoiceExportQuerySchema)) period: InvoiceExportPeriod): StreamableFile {
    return new StreamableFile(Readable.from(this.exports.csvLines(period)), {
      disposition: `attachment; filename="invoices-${period.from}-${period.to}.csv"`,
    });
  }
}
