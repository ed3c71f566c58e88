// The CustomerAccount aggregate: who is billed (DOMAIN.md "customer account") and the payment
// methods the customer registered. One stream per customer. An invoice copies the account as it
// is when the invoice is issued; later changes never touch an issued invoice.
import type { CountryCode, CurrencyCode, SubsidiaryCode } from '@billing/billing-kernel';

export const paymentMethodTypes = ['card', 'sepaDirectDebit', 'paypal'] as const;
export type PaymentMethodType = (typeof paymentMethodTypes)[number];

export type PostalAddress = Readonly<{ lines: readonly string[]; postalCode?: string; city: string }>;

/** What the customer tells us about himself (PUT /me). */
export type CustomerProfile = Readonly<{
  subsidiary: SubsidiaryCode;
  name: string;
  postalAddress: PostalAddress;
  country: CountryCode;
  /** intra-community VAT number of a business customer (B2B), as normalised */
  vatNumber?: string;
  email: string;
}>;

/**
 * A payment method as the gateway knows it: `gatewayToken` is the gateway's reference (never a
 * card number, which this service never sees); `label` is what the customer may read ("Visa ···4242").
 */
export type PaymentMethod = Readonly<{
  paymentMethodId: string;
  type: PaymentMethodType;
  gatewayToken: string;
  label?: string;
  registeredAt: string;
}>;

/** What made invoicing open an account the customer had not set up (PUT /me) yet. */
export type ProvisionalAccountCause =
  | Readonly<{ kind: 'order'; orderId: string }>
  | Readonly<{ kind: 'renewal'; renewalTermId: string }>
  | Readonly<{ kind: 'upgrade'; planChangeId: string }>;

/**
 * An OrderPlaced (or a renewal) arrived for a customer without an account: invoicing opens a
 * provisional one from it (its subsidiary; country = the subsidiary's VAT country) so that the
 * invoice can be issued. It has no name nor e-mail yet, so it is not published
 * (CustomerAccountUpdated requires both); PUT /me completes it.
 */
export type CustomerAccountOpenedProvisionally = Readonly<{
  type: 'CustomerAccountOpenedProvisionally';
  data: Readonly<{ customerId: string; subsidiary: SubsidiaryCode; country: CountryCode; openedBy: ProvisionalAccountCause; openedAt: string }>;
}>;

/** The whole profile after a change (not a patch): published as CustomerAccountUpdated. */
export type CustomerAccountUpdated = Readonly<{
  type: 'CustomerAccountUpdated';
  data: CustomerProfile &
    Readonly<{ customerId: string; currency: CurrencyCode; defaultPaymentMethodId?: string; updatedAt: string }>;
}>;

export type PaymentMethodRegistered = Readonly<{
  type: 'PaymentMethodRegistered';
  data: PaymentMethod & Readonly<{ customerId: string; default: boolean }>;
}>;

export type CustomerAccountEvent = CustomerAccountOpenedProvisionally | CustomerAccountUpdated | PaymentMethodRegistered;

type AccountBase = Readonly<{
  customerId: string;
  paymentMethods: readonly PaymentMethod[];
  defaultPaymentMethodId?: string;
}>;

export type CustomerAccountState =
  | Readonly<{ status: 'none' }>
  /** opened from an order or a renewal: billed with the subsidiary's country and the customer id as name until PUT /me */
  | (AccountBase & Readonly<{ status: 'provisional'; subsidiary: SubsidiaryCode; country: CountryCode; openedBy: ProvisionalAccountCause }>)
  | (AccountBase & Readonly<{ status: 'complete'; profile: CustomerProfile; updatedAt: string }>);

export type OpenCustomerAccountState = Exclude<CustomerAccountState, { status: 'none' }>;

export function customerAccountStreamId(customerId: string): string {
  return `customer-account-${customerId}`;
}

export const initialCustomerAccountState = (): CustomerAccountState => ({ status: 'none' });

export function evolveCustomerAccount(state: CustomerAccountState, event: CustomerAccountEvent): CustomerAccountState {
  const base: AccountBase =
    state.status === 'none'
      ? { customerId: event.data.customerId, paymentMethods: [] }
      : { customerId: state.customerId, paymentMethods: state.paymentMethods, defaultPaymentMethodId: state.defaultPaymentMethodId };
  switch (event.type) {
    case 'CustomerAccountOpenedProvisionally': {
      const { subsidiary, country, openedBy } = event.data;
      return { ...base, status: 'provisional', subsidiary, country, openedBy };
    }
    case 'CustomerAccountUpdated': {
      const { subsidiary, name, postalAddress, country, vatNumber, email, defaultPaymentMethodId, updatedAt } = event.data;
      return {
        ...base,
        status: 'complete',
        profile: { subsidiary, name, postalAddress, country, ...(vatNumber ? { vatNumber } : {}), email },
        defaultPaymentMethodId,
        updatedAt,
      };
    }
    case 'PaymentMethodRegistered': {
      if (state.status === 'none') return state;
      const { paymentMethodId, type, gatewayToken, label, registeredAt } = event.data;
      return {
        ...state,
        paymentMethods: [...state.paymentMethods, { paymentMethodId, type, gatewayToken, ...(label ? { label } : {}), registeredAt }],
        defaultPaymentMethodId: event.data.default ? paymentMethodId : state.defaultPaymentMethodId,
      };
    }
  }
}

/** The customer's payment method with this id; undefined for an unknown one or another customer's. */
export function paymentMethodOf(state: CustomerAccountState, paymentMethodId: string): PaymentMethod | undefined {
  return state.status === 'none' ? undefined : state.paymentMethods.find((method) => method.paymentMethodId === paymentMethodId);
}

/** Who an invoice is addressed to and taxed for, copied onto it when it is issued. */
export type BilledTo = Readonly<{
  name: string;
  postalAddress?: PostalAddress;
  country: CountryCode;
  vatNumber?: string;
}>;

export function billedToOf(state: OpenCustomerAccountState): BilledTo {
  if (state.status === 'provisional') return { name: state.customerId, country: state.country };
  const { name, postalAddress, country, vatNumber } = state.profile;
  return { name, postalAddress, country, ...(vatNumber ? { vatNumber } : {}) };
}
