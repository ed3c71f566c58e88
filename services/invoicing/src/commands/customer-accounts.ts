// Runs the CustomerAccount commands: PUT /me, payment methods, and the provisional account an
// order opens for a customer invoicing has not seen yet.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { findSubsidiary, toSubsidiaryDate } from '@billing/billing-kernel';
import type { EventEnvelope } from '@billing/contracts';
import { CommandHandler, derivedEventId, foldEvents, type EventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import {
  customerAccountStreamId,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type CustomerProfile,
  type PaymentMethod,
  type PaymentMethodType,
  type ProvisionalAccountCause,
} from '../domain/customer-account';
import { customerAccountDecider, type CustomerAccountCommand } from '../domain/customer-account.decide';
import { CustomerProfileRefused } from '../domain/invoicing-refusals';
import { eventMetadata } from './event-metadata';

export type ProfileRequest = Omit<CustomerProfile, 'subsidiary'> & Readonly<{ subsidiary: string; defaultPaymentMethodId?: string }>;

export type PaymentMethodRequest = Readonly<{ type: PaymentMethodType; token: string; label?: string; default?: boolean }>;

@Injectable()
export class CustomerAccounts {
  private readonly handler: CommandHandler<CustomerAccountCommand, CustomerAccountEvent, CustomerAccountState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.handler = new CommandHandler(store, customerAccountDecider);
  }

  async load(customerId: string): Promise<CustomerAccountState> {
    const { events } = await this.store.readStream<CustomerAccountEvent>(customerAccountStreamId(customerId));
    return foldEvents(customerAccountDecider, events.map(({ type, data }) => ({ type, data }) as CustomerAccountEvent));
  }

  async update(customerId: string, request: ProfileRequest): Promise<CustomerAccountState> {
    const seller = findSubsidiary(request.subsidiary);
    if (!seller) throw new CustomerProfileRefused('UNKNOWN_SUBSIDIARY', `${request.subsidiary} is not one of our subsidiaries`);
    const now = this.clock.now();
    const { defaultPaymentMethodId, ...profile } = request;
    const result = await this.handler.handle(
      customerAccountStreamId(customerId),
      {
        type: 'UpdateCustomerAccount',
        data: {
          customerId,
          profile,
          ...(defaultPaymentMethodId ? { defaultPaymentMethodId } : {}),
          today: toSubsidiaryDate(now, seller),
          updatedAt: instantText(now),
        },
      },
      eventMetadata(customerId, instantText(now)),
    );
    return result.newState;
  }

  async registerPaymentMethod(customerId: string, request: PaymentMethodRequest): Promise<{ method: PaymentMethod; isDefault: boolean }> {
    const at = instantText(this.clock.now());
    const paymentMethodId = `pm_${randomUUID().replaceAll('-', '')}`;
    const result = await this.handler.handle(
      customerAccountStreamId(customerId),
      {
        type: 'RegisterPaymentMethod',
        data: {
          customerId,
          paymentMethodId,
          type: request.type,
          gatewayToken: request.token,
          ...(request.label ? { label: request.label } : {}),
          makeDefault: request.default ?? false,
          registeredAt: at,
        },
      },
      eventMetadata(customerId, at),
    );
    const state = result.newState;
    if (state.status === 'none') throw new Error('unreachable: a payment method was registered without an account');
    const method = state.paymentMethods.find((candidate) => candidate.paymentMethodId === paymentMethodId) as PaymentMethod;
    return { method, isDefault: state.defaultPaymentMethodId === paymentMethodId };
  }

  /**
   * Opens a provisional account when an order (or a renewal) arrives for a customer who has none
   * (see the README). Its event id derives from the customer: two orders racing store it once.
   */
  async openProvisionallyIfMissing(customerId: string, subsidiary: string, openedBy: ProvisionalAccountCause, cause: EventEnvelope): Promise<CustomerAccountState> {
    const current = await this.load(customerId);
    if (current.status !== 'none') return current;
    const at = instantText(this.clock.now());
    const handler = new CommandHandler(this.store, customerAccountDecider, {
      newEventId: () => derivedEventId(customerAccountStreamId(customerId), 'opened-from-order'),
    });
    const result = await handler.handle(
      customerAccountStreamId(customerId),
      { type: 'OpenProvisionalCustomerAccount', data: { customerId, subsidiary, openedBy, openedAt: at } },
      eventMetadata(customerId, at, cause),
    );
    return result.newState;
  }
}
