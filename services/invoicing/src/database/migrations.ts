// The invoicing service's schema, in the order migrations apply: the event store, the consumer
// tables (checkpoints, processed events), the tables that commit with the invoice streams, the
// sandbox gateway's own table, then the read models.
import { eventStoreMigrations } from '@billing/eventsourcing';
import { messagingMigrations } from '@billing/messaging';
import { AddSandboxGatewayRefunds1771000000003, AddSandboxLostRequests1771000000007, CreateSandboxPaymentGateway1771000000001 } from '../payments/sandbox-gateway.migration';
import { AddBillRefunds1771000000005, CreateBillsReadModel1771000000002 } from '../read-models/bills/bills.migration';
import { AddPaymentResends1771000000006, AddRefundsInFlight1771000000004, CreateInvoicingWriteSide1771000000000 } from './write-side.migration';

export const invoicingMigrations = [
  ...eventStoreMigrations,
  ...messagingMigrations,
  CreateInvoicingWriteSide1771000000000,
  CreateSandboxPaymentGateway1771000000001,
  CreateBillsReadModel1771000000002,
  AddSandboxGatewayRefunds1771000000003,
  AddRefundsInFlight1771000000004,
  AddBillRefunds1771000000005,
  AddPaymentResends1771000000006,
  AddSandboxLostRequests1771000000007,
];
