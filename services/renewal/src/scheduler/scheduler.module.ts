import { Module } from '@nestjs/common';
import { RenewalMetrics } from '../metrics/renewal-metrics';
import { RenewalScheduler } from './renewal-scheduler';

@Module({ providers: [RenewalMetrics, RenewalScheduler], exports: [RenewalScheduler] })
export class SchedulerModule {}
