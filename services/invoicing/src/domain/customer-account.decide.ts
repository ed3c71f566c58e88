// The CustomerAccount decider: PUT /me, payment methods, and the provisional account an order
// opens for a customer invoicing has never seen. Pure: times and ids arrive in the commands.
import { determineTax, findSubsidiary, normalizeVatNumber, TaxError } from '@billing/billing-kernel';
import type { Temporal } from 'temporal-polyfill';
import {
  evolveCustomerAccount,
  initialCustomerAccountState,
  paymentMethodOf,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type CustomerAccountUpdated,
  type CustomerProfile,
  type PaymentMethodType,
  type ProvisionalAccountCause,
} from './customer-account';
import { CustomerAccountNotFound, CustomerProfileRefused, PaymentMethodNotFound } from './invoicing-refusals';

export type UpdateCustomerAccount = Readonly<{
  type: 'UpdateCustomerAccount';
  data: Readonly<{
    customerId: string;
    /** the profile as the customer sent it (subsidiary and country unchecked, VAT number raw) */
    profile: Omit<CustomerProfile, 'subsidiary'> & Readonly<{ subsidiary: string }>;
    /** absent: keep the current default */
    defaultPaymentMethodId?: string;
    /** the subsidiary's calendar date of the change, to check the profile against the tax rules in force */
    today: Temporal.PlainDate;
    updatedAt: string;
  }>;
}>;

export type OpenProvisionalCustomerAccount = Readonly<{
  type: 'OpenProvisionalCustomerAccount';
  data: Readonly<{ customerId: string; subsidiary: string; openedBy: ProvisionalAccountCause; openedAt: string }>;
}>;

export type RegisterPaymentMethod = Readonly<{
  type: 'RegisterPaymentMethod';
  data: Readonly<{
    customerId: string;
    paymentMethodId: string;
    type: PaymentMethodType;
    gatewayToken: string;
    label?: string;
    /** make it the default; the first method registered is the default anyway */
    makeDefault: boolean;
    registeredAt: string;
  }>;
}>;

export type CustomerAccountCommand = UpdateCustomerAccount | OpenProvisionalCustomerAccount | RegisterPaymentMethod;

function checkedProfile(command: UpdateCustomerAccount['data']): CustomerProfile {
  const { profile, today } = command;
  const seller = findSubsidiary(profile.subsidiary);
  if (!seller) throw new CustomerProfileRefused('UNKNOWN_SUBSIDIARY', `${profile.subsidiary} is not one of our subsidiaries`);
  const vatNumber = profile.vatNumber ? normalizeVatNumber(profile.vatNumber) : undefined;
  try {
    // the account must be one the seller can invoice: the same rules the invoice will apply
    determineTax(seller, { country: profile.country, ...(vatNumber ? { vatNumber } : {}) }, today);
  } catch (error) {
    if (!(error instanceof TaxError)) throw error;
    // a missing rate is the rate table's problem, not the customer's: the invoice will tell
    if (error.reason !== 'VAT_RATE_NOT_FOUND') throw new CustomerProfileRefused(error.reason, error.message);
  }
  const { name, postalAddress, country, email } = profile;
  return { subsidiary: seller.code, name, postalAddress, country, ...(vatNumber ? { vatNumber } : {}), email };
}

/** Field by field: a profile read back from the store (jsonb) has its keys in another order. */
function sameProfile(a: CustomerProfile, b: CustomerProfile): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
    return `{${entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function accountUpdated(customerId: string, profile: CustomerProfile, defaultPaymentMethodId: string | undefined, updatedAt: string): CustomerAccountUpdated {
  const seller = findSubsidiary(profile.subsidiary);
  return {
    type: 'CustomerAccountUpdated',
    data: {
      customerId,
      ...profile,
      currency: seller?.currency ?? 'EUR',
      ...(defaultPaymentMethodId ? { defaultPaymentMethodId } : {}),
      updatedAt,
    },
  };
}

export function decideCustomerAccount(command: CustomerAccountCommand, state: CustomerAccountState): CustomerAccountEvent[] {
  switch (command.type) {
    case 'UpdateCustomerAccount': {
      const { customerId, defaultPaymentMethodId, updatedAt } = command.data;
      const profile = checkedProfile(command.data);
      if (defaultPaymentMethodId !== undefined && !paymentMethodOf(state, defaultPaymentMethodId)) {
        throw new PaymentMethodNotFound(defaultPaymentMethodId);
      }
      const currentDefault = state.status === 'none' ? undefined : state.defaultPaymentMethodId;
      const nextDefault = defaultPaymentMethodId ?? currentDefault;
      // PUT is idempotent: the same profile again changes nothing and publishes nothing
      if (state.status === 'complete' && sameProfile(state.profile, profile) && nextDefault === currentDefault) return [];
      return [accountUpdated(customerId, profile, nextDefault, updatedAt)];
    }

    case 'OpenProvisionalCustomerAccount': {
      if (state.status !== 'none') return [];
      const { customerId, subsidiary: code, openedBy, openedAt } = command.data;
      const seller = findSubsidiary(code);
      if (!seller) throw new CustomerProfileRefused('UNKNOWN_SUBSIDIARY', `${code} is not one of our subsidiaries`);
      return [{ type: 'CustomerAccountOpenedProvisionally', data: { customerId, subsidiary: seller.code, country: seller.vatCountry, openedBy, openedAt } }];
    }

    case 'RegisterPaymentMethod': {
      if (state.status === 'none') throw new CustomerAccountNotFound(command.data.customerId);
      const { customerId, paymentMethodId, type, gatewayToken, label, makeDefault, registeredAt } = command.data;
      const isDefault = makeDefault || state.defaultPaymentMethodId === undefined;
      const registered: CustomerAccountEvent = {
        type: 'PaymentMethodRegistered',
        data: { customerId, paymentMethodId, type, gatewayToken, ...(label ? { label } : {}), registeredAt, default: isDefault },
      };
      // the published profile carries the default payment method: a new default is a profile change
      if (isDefault && state.status === 'complete') return [registered, accountUpdated(customerId, state.profile, paymentMethodId, registeredAt)];
      return [registered];
    }
  }
}

export const customerAccountDecider = {
  initialState: initialCustomerAccountState,
  evolve: evolveCustomerAccount,
  decide: decideCustomerAccount,
};
