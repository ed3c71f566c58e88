import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { ServiceCommandsModule } from '../commands/service-commands.module';
import { OrderDeliveriesReaction } from './order-deliveries.reaction';
import { RenewalOutcomesReaction } from './renewal-outcomes.reaction';

@Module({ imports: [MessagingModule.forFeature({ reactions: [OrderDeliveriesReaction, RenewalOutcomesReaction], imports: [ServiceCommandsModule] })] })
export class ReactionsModule {}
