// Which tax an invoice applies (who the seller is, who the customer is, on which date) and how
// much: per invoice and per rate, from the exact line totals, rounded once.
import type { Temporal } from 'temporal-polyfill';
import { isCountryCode, isEuMemberState, vatTerritoryOf, type CountryCode } from './countries';
import type { CurrencyCode } from './currency';
import { addMoney, basisPoints, multiplyByRate, roundHalfUp, sumMoney, zeroMoney, type Money } from './money';
import type { Subsidiary } from './subsidiaries';
import { normalizeVatNumber, readVatNumber } from './vat-number';
import { standardVatRateOn } from './vat-rates';

/** What the customer account says about the customer, for tax purposes. */
export type CustomerTaxProfile = Readonly<{
  /** ISO 3166-1 alpha-2 country of residence or establishment; absent when unknown */
  country?: CountryCode;
  /** present for a business (B2B); absent for a consumer (B2C) */
  vatNumber?: string;
}>;

export type TaxTreatment =
  /** the seller charges the standard VAT of `taxCountry` (domestic, or an EU consumer's country) */
  | 'standard'
  /** EU business in another member state: 0 %, the customer self-assesses */
  | 'reverseCharge'
  /** the place of supply is outside the seller's VAT territory: 0 % */
  | 'outsideScope'
  /** Canadian and US subsidiaries: sales taxes are not computed by the kernel */
  | 'salesTaxNotComputed';

/**
 * The tax decision an invoice stores when it is issued. It never changes afterwards, whatever
 * happens to the rate table: the rate, its source and the legal mention are copied, not referenced.
 */
export type AppliedTax = Readonly<{
  treatment: TaxTreatment;
  /** basis points of a percent applied to every line: 2000 = 20 %; 0 unless `standard` */
  rate: number;
  /** whose VAT is charged (`standard`), otherwise the customer's country when known */
  taxCountry?: CountryCode;
  rateEffectiveFrom?: string;
  rateSource?: string;
  /** the customer's VAT number as normalised, printed on B2B invoices */
  customerVatNumber?: string;
  /** wording the invoice must carry when no VAT is charged */
  legalMention?: string;
}>;

export type TaxErrorReason = 'INVALID_VAT_NUMBER' | 'UNKNOWN_COUNTRY' | 'VAT_RATE_NOT_FOUND';

/** The customer's tax profile or the date does not allow a tax decision. */
export class TaxError extends Error {
  constructor(
    readonly reason: TaxErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'TaxError';
  }
}

export const legalMentions = {
  euReverseCharge: 'Autoliquidation / Reverse charge: VAT to be accounted for by the customer (Council Directive 2006/112/EC, art. 196)',
  euBusinessOutsideEu: 'VAT not applicable: services taxable where the customer is established, outside the EU (Council Directive 2006/112/EC, art. 44)',
  euConsumerOutsideEu: 'VAT not applicable: services supplied to a consumer established outside the EU (Council Directive 2006/112/EC, art. 58)',
  ukBusinessOutsideUk: 'Outside the scope of UK VAT: the customer accounts for any VAT due (Value Added Tax Act 1994, s. 7A(2)(a))',
  salesTaxNotComputed: 'Sales taxes not included (GST/HST/PST/QST in Canada, state and local sales taxes in the United States)',
} as const;

function standardTax(country: CountryCode, date: Temporal.PlainDate, customerVatNumber?: string): AppliedTax {
  const entry = standardVatRateOn(country, date);
  if (!entry) {
    throw new TaxError('VAT_RATE_NOT_FOUND', `no ${country} VAT rate is known on ${date.toString()}`);
  }
  return {
    treatment: 'standard',
    rate: entry.standardRate,
    taxCountry: country,
    rateEffectiveFrom: entry.effectiveFrom,
    rateSource: entry.source,
    ...(customerVatNumber ? { customerVatNumber } : {}),
  };
}

function noTax(treatment: TaxTreatment, legalMention: string, customer: CustomerTaxProfile, customerVatNumber?: string): AppliedTax {
  return {
    treatment,
    rate: 0,
    ...(customer.country ? { taxCountry: customer.country } : {}),
    ...(customerVatNumber ? { customerVatNumber } : {}),
    legalMention,
  };
}

/** A business in the seller's own VAT territory must give a number in that territory's format. */
function invalidVatNumber(vatNumber: string, why: string): TaxError {
  return new TaxError('INVALID_VAT_NUMBER', `VAT number ${vatNumber} is not well formed: ${why}`);
}

function euVat(seller: Subsidiary, customer: CustomerTaxProfile, date: Temporal.PlainDate): AppliedTax {
  const customerTerritory = customer.country ? vatTerritoryOf(customer.country) : undefined;
  if (customer.vatNumber) {
    const reading = readVatNumber(customer.vatNumber);
    if (reading.kind === 'malformed') {
      throw invalidVatNumber(reading.vatNumber, `not the ${reading.country} format`);
    }
    if (reading.kind === 'foreign') {
      if (!customerTerritory || isEuMemberState(customerTerritory)) {
        throw invalidVatNumber(reading.vatNumber, 'an EU VAT number starts with its member state prefix');
      }
      return noTax('outsideScope', legalMentions.euBusinessOutsideEu, customer, reading.vatNumber);
    }
    // the number, not the declared address, says where the business is registered
    if (reading.country === seller.vatCountry) return standardTax(seller.vatCountry, date, reading.vatNumber);
    if (isEuMemberState(reading.country)) {
      return noTax('reverseCharge', legalMentions.euReverseCharge, { country: reading.country }, reading.vatNumber);
    }
    return noTax('outsideScope', legalMentions.euBusinessOutsideEu, { country: reading.country }, reading.vatNumber);
  }
  // Consumers: telecommunication and electronically supplied services are taxed where the
  // consumer lives (Directive 2006/112/EC art. 58; declared through the One-Stop Shop).
  if (!customerTerritory) return standardTax(seller.vatCountry, date);
  if (isEuMemberState(customerTerritory)) return standardTax(customerTerritory, date);
  return noTax('outsideScope', legalMentions.euConsumerOutsideEu, customer);
}

function ukVat(seller: Subsidiary, customer: CustomerTaxProfile, date: Temporal.PlainDate): AppliedTax {
  const customerTerritory = customer.country ? vatTerritoryOf(customer.country) : undefined;
  if (customer.vatNumber) {
    const reading = readVatNumber(customer.vatNumber);
    if (reading.kind === 'malformed') {
      throw invalidVatNumber(reading.vatNumber, `not the ${reading.country} format`);
    }
    if (reading.kind === 'wellFormed' && reading.country === 'GB') return standardTax('GB', date, reading.vatNumber);
    if (reading.kind === 'foreign' && (!customerTerritory || customerTerritory === 'GB')) {
      throw invalidVatNumber(reading.vatNumber, 'a UK VAT number starts with GB');
    }
    const businessCountry = reading.kind === 'wellFormed' ? reading.country : customer.country;
    return noTax('outsideScope', legalMentions.ukBusinessOutsideUk, { country: businessCountry }, reading.vatNumber);
  }
  // Consumers are charged UK VAT wherever they live: the platform holds no non-UK registration
  // for its UK entity, so charging UK VAT is the conservative choice.
  return standardTax(seller.vatCountry, date);
}

/**
 * The tax a subsidiary applies to a customer on a date (the invoice date, in the subsidiary's
 * calendar). Throws TaxError for a customer profile that cannot be taxed safely.
 */
export function determineTax(seller: Subsidiary, customer: CustomerTaxProfile, date: Temporal.PlainDate): AppliedTax {
  if (customer.country !== undefined && !isCountryCode(customer.country)) {
    throw new TaxError('UNKNOWN_COUNTRY', `${customer.country} is not an ISO 3166-1 alpha-2 country code`);
  }
  // a blank VAT number field is a consumer, not a malformed business number
  const vatNumber = customer.vatNumber ? normalizeVatNumber(customer.vatNumber) : '';
  const profile: CustomerTaxProfile = { ...(customer.country ? { country: customer.country } : {}), ...(vatNumber ? { vatNumber } : {}) };
  switch (seller.taxRegime) {
    case 'euVat':
      return euVat(seller, profile, date);
    case 'ukVat':
      return ukVat(seller, profile, date);
    case 'salesTaxNotComputed':
      return noTax('salesTaxNotComputed', legalMentions.salesTaxNotComputed, profile);
  }
}

/** An invoice line as tax sees it: its exact total and the rate applied to it. */
export type TaxableLine = Readonly<{ lineTotal: Money; rate: number }>;

export type TaxPerRate = Readonly<{ rate: number; taxBase: Money; tax: Money }>;

export type InvoiceTotals = Readonly<{
  /** one entry per distinct rate, in order of first appearance */
  taxPerRate: readonly TaxPerRate[];
  totalExcludingTax: Money;
  totalTax: Money;
  totalIncludingTax: Money;
}>;

/**
 * Tax per invoice and per rate: the exact line totals of each rate are added first, the rate is
 * applied to that sum and the result rounded half-up once. Rounding each line's tax instead can
 * be a cent off per line (three lines of 4.99 at 20 %: 2.99 correct, 3.00 per line).
 * Negative lines (credits) are netted against the others of the same rate.
 */
export function computeInvoiceTotals(currency: CurrencyCode, lines: readonly TaxableLine[]): InvoiceTotals {
  const baseByRate = new Map<number, Money>();
  for (const line of lines) {
    baseByRate.set(line.rate, addMoney(baseByRate.get(line.rate) ?? zeroMoney(currency), line.lineTotal));
  }
  const taxPerRate = [...baseByRate].map(([rate, taxBase]) => ({
    rate,
    taxBase,
    tax: roundHalfUp(multiplyByRate(taxBase, basisPoints(rate))),
  }));
  const totalExcludingTax = sumMoney(currency, taxPerRate.map(({ taxBase }) => taxBase));
  const totalTax = sumMoney(currency, taxPerRate.map(({ tax }) => tax));
  return { taxPerRate, totalExcludingTax, totalTax, totalIncludingTax: addMoney(totalExcludingTax, totalTax) };
}
