// The value types every integration event is built from, named after DOMAIN.md's vocabulary.
// Each one is registered with an id, so the generated JSON Schema and AsyncAPI documents define
// it once and refer to it from every event.
import { z } from 'zod';

/** What the generated documents say about a schema: ids become shared definitions. */
export interface ContractSchemaMetadata {
  id?: string;
  title?: string;
  description?: string;
}

/**
 * The contracts' own metadata registry (not zod's global one, so that an id such as `Money`
 * can never collide with another library's schema registered under the same name).
 */
export const contractSchemaRegistry = z.registry<ContractSchemaMetadata>();

/** Registers a shared value type under `id`: documents define it once and refer to it. */
function valueType<S extends z.ZodType>(schema: S, id: string, description: string): S {
  contractSchemaRegistry.add(schema, { id, description });
  return schema;
}

/**
 * A copy of `schema` that carries a field-level description in the generated documents; a copy
 * of a shared value type still refers to its definition.
 */
export function described<S extends z.ZodType>(schema: S, description: string): S {
  const copy = schema.clone() as S;
  contractSchemaRegistry.add(copy, { description });
  return copy;
}

// ── identifiers ──────────────────────────────────────────────────────────────────────────────

/** An id minted by the platform (orders, items, services, invoices, payments, renewal terms). */
export const uuidSchema = valueType(z.uuid(), 'Uuid', 'An identifier minted by the platform (RFC 9562 UUID).');

/** Who is billed: the subject of the customer's bearer token, and every event's partition key. */
export const customerIdSchema = valueType(
  z.string().min(1).max(128),
  'CustomerId',
  "The customer account's id (the bearer token's subject). Every event carries it: it is the Kafka message key, so a customer's events stay ordered on one partition.",
);

export const subsidiarySchema = valueType(
  z.string().regex(/^[A-Z]{2,4}$/),
  'Subsidiary',
  'The legal seller, one per country (`FR`, `ES`, `DE`, `GB`, `CA`, `US`, …): its currency, VAT rules, invoice number series and time zone.',
);

export const countryCodeSchema = valueType(
  z.string().regex(/^[A-Z]{2}$/),
  'CountryCode',
  'An ISO 3166-1 alpha-2 country code (`FR`, `DE`, `US`): for a consumer, the country whose VAT applies.',
);

export const planCodeSchema = valueType(
  z.string().min(1).max(128),
  'PlanCode',
  'A sellable offer of the catalog, with prices per subsidiary and the renew periods it allows.',
);

// ── money ────────────────────────────────────────────────────────────────────────────────────

export const currencyCodeSchema = valueType(
  z.string().regex(/^[A-Z]{3}$/),
  'CurrencyCode',
  'An ISO 4217 alphabetic currency code (`EUR`, `GBP`, `PLN`, `CAD`, `USD`, …).',
);

/** An amount in integer minor units: `{ currency: 'EUR', value: 1999 }` is 19.99 EUR. */
export const moneySchema = valueType(
  z.object({ currency: currencyCodeSchema, value: z.int().nonnegative() }),
  'Money',
  'A non-negative amount as an integer count of the currency\'s ISO 4217 minor unit: `{"currency":"EUR","value":1999}` is 19.99 EUR, `{"currency":"JPY","value":500}` is 500 JPY. Never a float.',
);

/** Like Money, but may be negative: credit lines of an invoice (proration of an upgrade). */
export const signedMoneySchema = valueType(
  z.object({ currency: currencyCodeSchema, value: z.int() }),
  'SignedMoney',
  'An amount in integer minor units that may be negative (a credit line of an invoice).',
);

/** Invoice-level amounts: the sum of lines, the tax on it, and what the customer pays. */
export const totalsSchema = valueType(
  z.object({ withoutTax: moneySchema, tax: moneySchema, withTax: moneySchema }),
  'Totals',
  'Amounts of a priced order, an invoice or a credit note: withTax = withoutTax + tax, all in the same currency.',
);

/** A tax rate in basis points: 20 % is 2000, 25.5 % is 2550. Never a float. */
export const taxRateSchema = valueType(
  z.int().min(0).max(10_000),
  'TaxRate',
  'A tax rate in basis points (1/100 of a percent): 20 % is 2000, 25.5 % is 2550, reverse charge is 0.',
);

// ── time ─────────────────────────────────────────────────────────────────────────────────────

/** A calendar date in the subsidiary's time zone, `YYYY-MM-DD` — never a UTC midnight. */
export const calendarDateSchema = valueType(
  z.iso.date(),
  'CalendarDate',
  "A calendar date `YYYY-MM-DD` in the subsidiary's time zone (not an instant: never a UTC midnight).",
);

/** A point in time, ISO-8601 with `Z` or an explicit offset. */
export const instantSchema = valueType(
  z.iso.datetime({ offset: true }),
  'Instant',
  'A point in time, ISO-8601 with `Z` or an explicit UTC offset (`2025-03-14T09:30:00Z`).',
);

// ── catalog and service vocabulary ───────────────────────────────────────────────────────────

export const universes = ['web', 'dedicated', 'cloud', 'telecom'] as const;
export const universeSchema = valueType(
  z.enum(universes),
  'Universe',
  'What is sold: `web` (hosting, domains), `dedicated` (servers), `cloud` (instances, storage), `telecom` (lines, France only).',
);
export type Universe = z.infer<typeof universeSchema>;

export const renewPeriods = ['P1M', 'P3M', 'P6M', 'P1Y', 'P2Y', 'P3Y'] as const;
export const periodSchema = valueType(
  z.enum(renewPeriods),
  'Period',
  'The ISO-8601 duration of one term. Each term end is computed from the first anchor date, not from the previous end (Jan 31 + P1M = Feb 28, + P2M = Mar 31).',
);
export type Period = z.infer<typeof periodSchema>;

/** Any ISO-8601 duration in years, months and days (engagements: `P12M`, `P24M`). */
export const durationSchema = valueType(
  z.string().regex(/^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$/),
  'Duration',
  'An ISO-8601 duration in years, months and days (`P12M`, `P1Y6M`).',
);

export const renewModes = ['automatic', 'manual', 'deleteAtExpiration'] as const;
export const renewModeSchema = valueType(
  z.enum(renewModes),
  'RenewMode',
  '`automatic` (the default: renewed and charged with the default payment method), `manual` (the customer pays each term himself; reminders only), `deleteAtExpiration` (terminated at the end of the term).',
);
export type RenewMode = z.infer<typeof renewModeSchema>;

export const invoiceCategories = [
  'purchase-web',
  'purchase-servers',
  'purchase-cloud',
  'purchase-telecom',
  'autorenew',
  'earlyrenewal',
] as const;
export const invoiceCategorySchema = valueType(
  z.enum(invoiceCategories),
  'InvoiceCategory',
  "A bill's category: a purchase per universe, an automatic renewal or an early renewal.",
);
export type InvoiceCategory = z.infer<typeof invoiceCategorySchema>;

/** A commitment until `engagedUpTo`; termination before it is refused or billed per its end rule. */
export const engagementSchema = valueType(
  z.object({ duration: durationSchema, engagedUpTo: calendarDateSchema }),
  'Engagement',
  'A commitment of `duration` from the anchor date, until `engagedUpTo`: termination before it is refused or billed.',
);

export type Money = z.infer<typeof moneySchema>;
export type SignedMoney = z.infer<typeof signedMoneySchema>;
export type Totals = z.infer<typeof totalsSchema>;

// ── amount consistency ───────────────────────────────────────────────────────────────────────

function isMoneyShaped(value: unknown): value is { currency: string; value: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { currency?: unknown }).currency === 'string' &&
    typeof (value as { value?: unknown }).value === 'number'
  );
}

/**
 * A refinement for documents that state their currency once (orders, invoices, credit notes):
 * every amount is in that currency, `withTax = withoutTax + tax`, and the taxes per rate add up
 * to the tax total. JSON Schema cannot say this; the zod schemas check it when parsing.
 */
export function checkAmounts(
  data: { currency: string; totals: Totals; taxes?: readonly { amount: Money }[] },
  ctx: z.RefinementCtx,
): void {
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (isMoneyShaped(value)) {
      if (value.currency !== data.currency) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `amount in ${value.currency}, expected the document currency ${data.currency}`,
        });
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, nested] of Object.entries(value)) visit(nested, [...path, key]);
    }
  };
  visit(data, []);
  const { withoutTax, tax, withTax } = data.totals;
  if (withoutTax.value + tax.value !== withTax.value) {
    ctx.addIssue({ code: 'custom', path: ['totals', 'withTax'], message: 'withTax must equal withoutTax + tax' });
  }
  if (data.taxes && data.taxes.reduce((sum, rate) => sum + rate.amount.value, 0) !== tax.value) {
    ctx.addIssue({ code: 'custom', path: ['totals', 'tax'], message: 'tax must equal the sum of the taxes per rate' });
  }
}
