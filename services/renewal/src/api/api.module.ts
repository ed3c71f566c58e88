import { Module } from '@nestjs/common';
import { AutorenewSettingsCommands } from '../autorenew/autorenew-settings.commands';
import { CustomerRenewalsQuery } from '../read-models/customer-renewals/customer-renewals.query';
import { RenewalForecastQuery } from '../read-models/forecast/renewal-forecast.query';
import { ScheduleModule } from '../schedule/schedule.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { AutorenewController } from './autorenew.controller';
import { CustomerRenewalsController } from './customer-renewals.controller';
import { OperatorRenewalsController } from './operator-renewals.controller';

@Module({
  imports: [ScheduleModule, SchedulerModule],
  providers: [AutorenewSettingsCommands, CustomerRenewalsQuery, RenewalForecastQuery],
  controllers: [AutorenewController, CustomerRenewalsController, OperatorRenewalsController],
})
export class ApiModule {}
