// The order service's schema, in the order migrations apply: the event store, the consumer
// tables (checkpoints, processed events), then the read models.
import { eventStoreMigrations } from '@billing/eventsourcing';
import { messagingMigrations } from '@billing/messaging';
import { CreateOrdersReadModel1770000000000 } from '../read-models/orders/orders.migration';

export const orderMigrations = [...eventStoreMigrations, ...messagingMigrations, CreateOrdersReadModel1770000000000];
