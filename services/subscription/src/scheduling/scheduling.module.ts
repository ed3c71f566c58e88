import { Module } from '@nestjs/common';
import { ServiceCommandsModule } from '../commands/service-commands.module';
import { TerminationScheduler } from './termination-scheduler';

@Module({ imports: [ServiceCommandsModule], providers: [TerminationScheduler], exports: [TerminationScheduler] })
export class SchedulingModule {}
