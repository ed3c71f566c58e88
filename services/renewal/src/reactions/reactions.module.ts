import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { ScheduleModule } from '../schedule/schedule.module';
import { RenewalInvoicesReaction } from './renewal-invoices.reaction';
import { ServiceLifecycleReaction } from './service-lifecycle.reaction';

@Module({ imports: [MessagingModule.forFeature({ reactions: [ServiceLifecycleReaction, RenewalInvoicesReaction], imports: [ScheduleModule] })] })
export class ReactionsModule {}
