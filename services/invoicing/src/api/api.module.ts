import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { BillsReadModelModule } from '../read-models/bills/bills-read-model.module';
import { AccountController } from './account.controller';
import { BillsController } from './bills.controller';

@Module({ imports: [CommandsModule, BillsReadModelModule], controllers: [AccountController, BillsController] })
export class ApiModule {}
