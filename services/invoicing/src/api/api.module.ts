import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { BillsReadModelModule } from '../read-models/bills/bills-read-model.module';
import { InvoiceExportQuery } from '../read-models/invoice-export/invoice-export.query';
import { AccountController } from './account.controller';
import { BillsController } from './bills.controller';
import { OperatorInvoicesController } from './operator-invoices.controller';

@Module({
  imports: [CommandsModule, BillsReadModelModule],
  controllers: [AccountController, BillsController, OperatorInvoicesController],
  providers: [InvoiceExportQuery],
})
export class ApiModule {}
