import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { DebtAccountQuery } from '../debt-account/debt-account.query';
import { BillsProjection } from './bills.projection';
import { BillsQuery } from './bills.query';

@Module({
  imports: [MessagingModule.forFeature({ projections: [BillsProjection] })],
  providers: [BillsQuery, DebtAccountQuery],
  exports: [BillsQuery, DebtAccountQuery],
})
export class BillsReadModelModule {}
