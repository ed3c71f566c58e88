// The legal sellers: one per country, each with its currency, calendar, tax regime and the
// identity printed on its invoices.
import type { CountryCode } from './countries';
import type { CurrencyCode } from './currency';

export const subsidiaryCodes = ['FR', 'ES', 'DE', 'IT', 'PL', 'PT', 'IE', 'NL', 'LT', 'CZ', 'FI', 'GB', 'CA', 'US'] as const;

export type SubsidiaryCode = (typeof subsidiaryCodes)[number];

/**
 * How a subsidiary taxes its sales: EU VAT (Directive 2006/112/EC), UK VAT (VAT Act 1994), or
 * North-American sales taxes, which the kernel does not compute (see tax.ts).
 */
export type TaxRegime = 'euVat' | 'ukVat' | 'salesTaxNotComputed';

export type Subsidiary = Readonly<{
  code: SubsidiaryCode;
  currency: CurrencyCode;
  /** IANA zone whose calendar dates are the subsidiary's dates (expirations, invoice dates). */
  timeZone: string;
  /** the country whose VAT the subsidiary charges by default (consumers without a country) */
  vatCountry: CountryCode;
  taxRegime: TaxRegime;
  legalEntityName: string;
  /** VAT number (EU, UK), GST/HST registration number (CA) or EIN (US) printed on invoices */
  taxRegistrationNumber: string;
}>;

const subsidiaryList: readonly Subsidiary[] = [
  { code: 'FR', currency: 'EUR', timeZone: 'Europe/Paris', vatCountry: 'FR', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting SAS', taxRegistrationNumber: 'FR63921846307' },
  { code: 'ES', currency: 'EUR', timeZone: 'Europe/Madrid', vatCountry: 'ES', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting España, S.L.', taxRegistrationNumber: 'ESB86512347' },
  { code: 'DE', currency: 'EUR', timeZone: 'Europe/Berlin', vatCountry: 'DE', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting GmbH', taxRegistrationNumber: 'DE318462759' },
  { code: 'IT', currency: 'EUR', timeZone: 'Europe/Rome', vatCountry: 'IT', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Italia S.r.l.', taxRegistrationNumber: 'IT09876543210' },
  { code: 'PL', currency: 'PLN', timeZone: 'Europe/Warsaw', vatCountry: 'PL', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Polska sp. z o.o.', taxRegistrationNumber: 'PL5273184096' },
  { code: 'PT', currency: 'EUR', timeZone: 'Europe/Lisbon', vatCountry: 'PT', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Portugal, Unipessoal Lda.', taxRegistrationNumber: 'PT516842937' },
  { code: 'IE', currency: 'EUR', timeZone: 'Europe/Dublin', vatCountry: 'IE', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Ireland Limited', taxRegistrationNumber: 'IE9847361TH' },
  { code: 'NL', currency: 'EUR', timeZone: 'Europe/Amsterdam', vatCountry: 'NL', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Nederland B.V.', taxRegistrationNumber: 'NL861234567B01' },
  { code: 'LT', currency: 'EUR', timeZone: 'Europe/Vilnius', vatCountry: 'LT', taxRegime: 'euVat', legalEntityName: 'UAB Cumulus Hosting', taxRegistrationNumber: 'LT100012345613' },
  { code: 'CZ', currency: 'CZK', timeZone: 'Europe/Prague', vatCountry: 'CZ', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting s.r.o.', taxRegistrationNumber: 'CZ27184652' },
  { code: 'FI', currency: 'EUR', timeZone: 'Europe/Helsinki', vatCountry: 'FI', taxRegime: 'euVat', legalEntityName: 'Cumulus Hosting Oy', taxRegistrationNumber: 'FI28461937' },
  { code: 'GB', currency: 'GBP', timeZone: 'Europe/London', vatCountry: 'GB', taxRegime: 'ukVat', legalEntityName: 'Cumulus Hosting UK Ltd', taxRegistrationNumber: 'GB284619375' },
  { code: 'CA', currency: 'CAD', timeZone: 'America/Toronto', vatCountry: 'CA', taxRegime: 'salesTaxNotComputed', legalEntityName: 'Cumulus Hosting Canada Inc.', taxRegistrationNumber: '842619375RT0001' },
  { code: 'US', currency: 'USD', timeZone: 'America/New_York', vatCountry: 'US', taxRegime: 'salesTaxNotComputed', legalEntityName: 'Cumulus Hosting US, Inc.', taxRegistrationNumber: '84-2619375' },
];

const subsidiariesByCode = new Map<string, Subsidiary>(subsidiaryList.map((subsidiary) => [subsidiary.code, subsidiary]));

export function isSubsidiaryCode(code: unknown): code is SubsidiaryCode {
  return typeof code === 'string' && subsidiariesByCode.has(code);
}

/** The subsidiary with this code, or undefined for a code that is not one of ours. */
export function findSubsidiary(code: string): Subsidiary | undefined {
  return subsidiariesByCode.get(code);
}

/** The subsidiary with this code; the type guarantees it exists. */
export function subsidiary(code: SubsidiaryCode): Subsidiary {
  return subsidiariesByCode.get(code) as Subsidiary;
}

export function allSubsidiaries(): readonly Subsidiary[] {
  return subsidiaryList;
}
