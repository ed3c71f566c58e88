// The read side: the services read model (projected from our own topic) and the customers'
// renew days (projected from renewal's topic), with their queries.
import { Module } from '@nestjs/common';
import { MessagingModule } from '@billing/messaging';
import { AutorenewSettingsProjection } from './autorenew-settings/autorenew-settings.projection';
import { AutorenewSettingsQuery } from './autorenew-settings/autorenew-settings.query';
import { ServicesProjection } from './services/services.projection';
import { ServicesQuery } from './services/services.query';

@Module({
  imports: [MessagingModule.forFeature({ projections: [ServicesProjection, AutorenewSettingsProjection] })],
  providers: [ServicesQuery, AutorenewSettingsQuery],
  exports: [ServicesQuery, AutorenewSettingsQuery],
})
export class ReadModelsModule {}
