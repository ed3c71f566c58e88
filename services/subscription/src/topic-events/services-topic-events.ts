// The events of billing.services.v1 as the services projection decodes them (the contract's schemas).
import { integrationEvents } from '@billing/contracts';
import { defineEvent, EventRegistry } from '@billing/messaging';

export const servicesTopicEvents = EventRegistry.of(
  defineEvent('ServiceActivated', 1, integrationEvents.ServiceActivated.schema),
  defineEvent('ServiceImported', 1, integrationEvents.ServiceImported.schema),
  defineEvent('ServiceContractAccepted', 1, integrationEvents.ServiceContractAccepted.schema),
  defineEvent('ServiceRenewModeChanged', 1, integrationEvents.ServiceRenewModeChanged.schema),
  defineEvent('ServiceRenewPeriodChanged', 1, integrationEvents.ServiceRenewPeriodChanged.schema),
  defineEvent('ServiceExpirationExtended', 1, integrationEvents.ServiceExpirationExtended.schema),
  defineEvent('ServicePlanChanged', 1, integrationEvents.ServicePlanChanged.schema),
  defineEvent('ServiceTerminationRequested', 1, integrationEvents.ServiceTerminationRequested.schema),
  defineEvent('ServiceTerminationConfirmed', 1, integrationEvents.ServiceTerminationConfirmed.schema),
  defineEvent('ServiceTerminationCancelled', 1, integrationEvents.ServiceTerminationCancelled.schema),
  defineEvent('ServiceMarkedUnpaid', 1, integrationEvents.ServiceMarkedUnpaid.schema),
  defineEvent('ServiceSuspended', 1, integrationEvents.ServiceSuspended.schema),
  defineEvent('ServiceReopened', 1, integrationEvents.ServiceReopened.schema),
  defineEvent('ServiceTerminated', 1, integrationEvents.ServiceTerminated.schema),
);

export type ServicesTopicEnvelope = typeof servicesTopicEvents extends EventRegistry<infer E> ? E : never;
