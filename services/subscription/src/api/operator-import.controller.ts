// Operators import the legacy services: the export is streamed line by line (JSON lines or CSV,
// as the content type says), never held whole in memory, and written a batch at a time.
import { createInterface } from 'node:readline';
import { Controller, Headers, HttpCode, Post, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@billing/auth';
import type { Request } from 'express';
import { LegacyImport } from '../import/legacy-import';
import type { LegacyExportFormat } from '../import/legacy-service-lines';

const formats: Readonly<Record<string, LegacyExportFormat>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/jsonlines': 'jsonl',
  'application/x-jsonlines': 'jsonl',
};

@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@Controller('operator/services')
export class OperatorImportController {
  constructor(private readonly legacyImport: LegacyImport) {}

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import legacy services (operator role)',
    description:
      'One service per line: legacyServiceId, customerId, subsidiary, planCode, period, price (minor units), expirationDate, legacyContract, and optionally currency and anchorDate. ' +
      'CSV (text/csv, with a header row) or JSON lines (application/x-ndjson). Re-running an import creates nothing twice: services already imported are counted as alreadyPresent. ' +
      'A service under its legacy contract renews manually, and terminates at its expiration unless its customer accepts the new contract.',
  })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ schema: { type: 'string', example: 'legacyServiceId,customerId,subsidiary,planCode,period,price,expirationDate,legacyContract\nL-1,cust-1,FR,web-hosting-pro,P1Y,8199,2027-06-15,true' } })
  @ApiResponse({ status: 200, description: '{ imported, alreadyPresent, rejected: [{ line, reason }] }' })
  @ApiResponse({ status: 403, description: 'OPERATOR_ROLE_REQUIRED' })
  @ApiResponse({ status: 415, description: 'Neither CSV nor JSON lines' })
  async import(@Req() request: Request, @Headers('content-type') contentType: string | undefined) {
    const format = formats[(contentType ?? '').split(';')[0].trim().toLowerCase()];
    if (!format) throw new UnsupportedMediaTypeException('send the export as text/csv or application/x-ndjson (JSON lines)');
    return this.legacyImport.importLines(createInterface({ input: request, crlfDelay: Infinity }), format);
  }
}
