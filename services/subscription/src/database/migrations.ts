// The subscription service's schema, in the order migrations apply: the event store, the
// consumer tables (checkpoints, processed events), then the read models.
import { eventStoreMigrations } from '@billing/eventsourcing';
import { messagingMigrations } from '@billing/messaging';
import { CreateAutorenewSettings1780000000001 } from '../read-models/autorenew-settings/autorenew-settings.migration';
import { CreateServicesReadModel1780000000000 } from '../read-models/services/services.migration';

export const subscriptionMigrations = [...eventStoreMigrations, ...messagingMigrations, CreateServicesReadModel1780000000000, CreateAutorenewSettings1780000000001];
