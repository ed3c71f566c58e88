import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { OrderCommandsModule } from '../commands/order-commands.module';
import { InvoiceOutcomesReaction } from './invoice-outcomes.reaction';

@Module({ imports: [MessagingModule.forFeature({ reactions: [InvoiceOutcomesReaction], imports: [OrderCommandsModule] })] })
export class ReactionsModule {}
