import { Module } from '@nestjs/common';
import { RenewalSchedule } from './renewal-schedule.service';

@Module({ providers: [RenewalSchedule], exports: [RenewalSchedule] })
export class ScheduleModule {}
