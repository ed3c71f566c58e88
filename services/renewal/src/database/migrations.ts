// The renewal service's schema, in the order migrations apply: the event store, the consumer
// tables (checkpoints, processed events), then the renewal schedule.
import { eventStoreMigrations } from '@billing/eventsourcing';
import { messagingMigrations } from '@billing/messaging';
import { DueTermsByCustomer1780000001000 } from '../schedule/due-terms-by-customer.migration';
import { CreateRenewalSchedule1780000000000 } from '../schedule/renewal-schedule.migration';

export const renewalMigrations = [...eventStoreMigrations, ...messagingMigrations, CreateRenewalSchedule1780000000000, DueTermsByCustomer1780000001000];
