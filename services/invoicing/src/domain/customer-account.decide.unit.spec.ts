import { DeciderSpecification } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import type { CustomerAccountEvent, CustomerAccountUpdated, PaymentMethodRegistered } from './customer-account';
import { customerAccountDecider, type RegisterPaymentMethod, type UpdateCustomerAccount } from './customer-account.decide';
import { CustomerAccountNotFound, CustomerProfileRefused, PaymentMethodNotFound } from './invoicing-refusals';

const spec = DeciderSpecification.for(customerAccountDecider);
const customerId = 'cust-4815162342';
const at = '2026-03-14T09:20:00.000Z';
const profile = {
  subsidiary: 'FR',
  name: 'Camille Martin',
  postalAddress: { lines: ['12 rue des Lilas'], postalCode: '59000', city: 'Lille' },
  country: 'FR',
  email: 'camille.martin@example.org',
} as const;

function update(changes: Partial<UpdateCustomerAccount['data']['profile']> = {}, defaultPaymentMethodId?: string): UpdateCustomerAccount {
  return {
    type: 'UpdateCustomerAccount',
    data: { customerId, profile: { ...profile, ...changes }, ...(defaultPaymentMethodId ? { defaultPaymentMethodId } : {}), today: Temporal.PlainDate.from('2026-03-14'), updatedAt: at },
  };
}

function updated(changes: Partial<CustomerAccountUpdated['data']> = {}): CustomerAccountUpdated {
  return { type: 'CustomerAccountUpdated', data: { customerId, ...profile, currency: 'EUR', updatedAt: at, ...changes } };
}

function register(paymentMethodId: string, makeDefault = false): RegisterPaymentMethod {
  return { type: 'RegisterPaymentMethod', data: { customerId, paymentMethodId, type: 'card', gatewayToken: `tok_${paymentMethodId}`, makeDefault, registeredAt: at } };
}

function registered(paymentMethodId: string, isDefault: boolean): PaymentMethodRegistered {
  return { type: 'PaymentMethodRegistered', data: { customerId, paymentMethodId, type: 'card', gatewayToken: `tok_${paymentMethodId}`, registeredAt: at, default: isDefault } };
}

const openedFromOrder: CustomerAccountEvent = {
  type: 'CustomerAccountOpenedProvisionally',
  data: { customerId, subsidiary: 'DE', country: 'DE', openedBy: { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' }, openedAt: at },
};

describe('customer account decider', () => {
  describe('without an account', () => {
    it('creates it from the whole profile, with the subsidiary’s currency', () => {
      spec.given([]).when(update()).then([updated()]);
    });

    it('normalises a business VAT number and accepts a reverse-charge customer of another member state', () => {
      spec.given([]).when(update({ country: 'DE', vatNumber: 'de 318-462-759' })).then([updated({ country: 'DE', vatNumber: 'DE318462759' })]);
    });

    it('refuses a malformed VAT number, an unknown country or subsidiary', () => {
      spec.given([]).when(update({ vatNumber: 'DE12' })).thenThrows((error) => error instanceof CustomerProfileRefused && error.reason === 'INVALID_VAT_NUMBER');
      spec.given([]).when(update({ country: 'UK' })).thenThrows((error) => error instanceof CustomerProfileRefused && error.reason === 'UNKNOWN_COUNTRY');
      spec.given([]).when(update({ subsidiary: 'XX' })).thenThrows((error) => error instanceof CustomerProfileRefused && error.reason === 'UNKNOWN_SUBSIDIARY');
    });

    it('opens a provisional account from an order: its subsidiary, and that subsidiary’s VAT country', () => {
      spec
        .given([])
        .when({ type: 'OpenProvisionalCustomerAccount', data: { customerId, subsidiary: 'DE', openedBy: { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' }, openedAt: at } })
        .then([openedFromOrder]);
    });

    it('refuses a payment method: there is no account to attach it to', () => {
      spec.given([]).when(register('pm_1')).thenThrows(CustomerAccountNotFound);
    });
  });

  describe('provisional (opened from an order)', () => {
    it('is not opened twice', () => {
      spec.given([openedFromOrder]).when({ type: 'OpenProvisionalCustomerAccount', data: { customerId, subsidiary: 'FR', openedBy: { kind: 'renewal', renewalTermId: 'x' }, openedAt: at } }).thenNothingHappened();
    });

    it('takes a payment method, the default, without publishing an incomplete profile', () => {
      spec.given([openedFromOrder]).when(register('pm_1')).then([registered('pm_1', true)]);
    });

    it('is completed by PUT /me, keeping its default payment method', () => {
      spec.given([openedFromOrder, registered('pm_1', true)]).when(update()).then([updated({ defaultPaymentMethodId: 'pm_1' })]);
    });
  });

  describe('complete', () => {
    it('changes nothing when the same profile comes again', () => {
      spec.given([updated()]).when(update()).thenNothingHappened();
    });

    it('changes nothing when the stored profile comes back with its keys in another order (jsonb)', () => {
      const stored = updated();
      const reversed = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).reverse()) as T;
      const reordered = reversed({ ...stored.data, postalAddress: reversed(stored.data.postalAddress) });
      spec.given([{ ...stored, data: reordered }]).when(update()).thenNothingHappened();
    });

    it('publishes the whole profile when a field changes', () => {
      spec.given([updated()]).when(update({ name: 'Camille Martin-Lefèvre' })).then([updated({ name: 'Camille Martin-Lefèvre' })]);
    });

    it('makes the first payment method the default, and publishes it', () => {
      spec.given([updated()]).when(register('pm_1')).then([registered('pm_1', true), updated({ defaultPaymentMethodId: 'pm_1', updatedAt: at })]);
    });

    it('keeps the default when another method is registered without asking for it', () => {
      spec.given([updated(), registered('pm_1', true)]).when(register('pm_2')).then([registered('pm_2', false)]);
    });

    it('moves the default to a new method registered as the default', () => {
      spec.given([updated(), registered('pm_1', true)]).when(register('pm_2', true)).then([registered('pm_2', true), updated({ defaultPaymentMethodId: 'pm_2' })]);
    });

    it("chooses one of the customer's methods as default, never an unknown one", () => {
      spec.given([updated(), registered('pm_1', true), registered('pm_2', false)]).when(update({}, 'pm_2')).then([updated({ defaultPaymentMethodId: 'pm_2' })]);
      spec.given([updated(), registered('pm_1', true)]).when(update({}, 'pm_someone_elses')).thenThrows(PaymentMethodNotFound);
    });
  });
});
