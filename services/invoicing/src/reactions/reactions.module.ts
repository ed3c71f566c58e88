import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { CommandsModule } from '../commands/commands.module';
import { OrderInvoicingReaction } from './order-invoicing.reaction';
import { PlanChangeInvoicingReaction } from './plan-change-invoicing.reaction';
import { RenewalInvoicingReaction } from './renewal-invoicing.reaction';

@Module({
  imports: [
    MessagingModule.forFeature({ reactions: [OrderInvoicingReaction, RenewalInvoicingReaction, PlanChangeInvoicingReaction], imports: [CommandsModule] }),
  ],
})
export class ReactionsModule {}
