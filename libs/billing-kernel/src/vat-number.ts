// Whether a customer's VAT number is well formed. Well formed, not valid: asking VIES or HMRC
// whether it is registered is I/O and belongs to the service that stores the customer account.
import type { CountryCode } from './countries';

/**
 * National formats after the two-letter prefix, as published by the European Commission for
 * VIES ("VIES VAT number validation — format of VAT numbers") and by HMRC for UK numbers.
 * Greece uses the prefix EL, not its ISO code.
 */
const formatsByPrefix: Readonly<Record<string, { country: CountryCode; format: RegExp }>> = {
  AT: { country: 'AT', format: /^U\d{8}$/ },
  BE: { country: 'BE', format: /^[01]\d{9}$/ },
  BG: { country: 'BG', format: /^\d{9,10}$/ },
  CY: { country: 'CY', format: /^\d{8}[A-Z]$/ },
  CZ: { country: 'CZ', format: /^\d{8,10}$/ },
  DE: { country: 'DE', format: /^\d{9}$/ },
  DK: { country: 'DK', format: /^\d{8}$/ },
  EE: { country: 'EE', format: /^\d{9}$/ },
  EL: { country: 'GR', format: /^\d{9}$/ },
  ES: { country: 'ES', format: /^(?!\d{9}$)[0-9A-Z]\d{7}[0-9A-Z]$/ },
  FI: { country: 'FI', format: /^\d{8}$/ },
  FR: { country: 'FR', format: /^[0-9A-HJ-NP-Z]{2}\d{9}$/ },
  HR: { country: 'HR', format: /^\d{11}$/ },
  HU: { country: 'HU', format: /^\d{8}$/ },
  IE: { country: 'IE', format: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/ },
  IT: { country: 'IT', format: /^\d{11}$/ },
  LT: { country: 'LT', format: /^(\d{9}|\d{12})$/ },
  LU: { country: 'LU', format: /^\d{8}$/ },
  LV: { country: 'LV', format: /^\d{11}$/ },
  MT: { country: 'MT', format: /^\d{8}$/ },
  NL: { country: 'NL', format: /^\d{9}B\d{2}$/ },
  PL: { country: 'PL', format: /^\d{10}$/ },
  PT: { country: 'PT', format: /^\d{9}$/ },
  RO: { country: 'RO', format: /^[1-9]\d{1,9}$/ },
  SE: { country: 'SE', format: /^\d{10}01$/ },
  SI: { country: 'SI', format: /^\d{8}$/ },
  SK: { country: 'SK', format: /^\d{10}$/ },
  GB: { country: 'GB', format: /^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/ },
};

/** What a VAT number tells the tax rules. */
export type VatNumberReading =
  /** an EU or UK number in its country's format */
  | { kind: 'wellFormed'; country: CountryCode; vatNumber: string }
  /** claims an EU or UK prefix but does not match that country's format */
  | { kind: 'malformed'; country: CountryCode; vatNumber: string }
  /** no EU or UK prefix: a tax number from elsewhere, whose format we do not check */
  | { kind: 'foreign'; vatNumber: string };

/** Upper case without the spaces, dots and dashes people type ("fr 12-345…" → "FR12345…"). */
export function normalizeVatNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s.-]/g, '');
}

export function readVatNumber(raw: string): VatNumberReading {
  const vatNumber = normalizeVatNumber(raw);
  const known = formatsByPrefix[vatNumber.slice(0, 2)];
  if (!known) return { kind: 'foreign', vatNumber };
  return known.format.test(vatNumber.slice(2))
    ? { kind: 'wellFormed', country: known.country, vatNumber }
    : { kind: 'malformed', country: known.country, vatNumber };
}

/** True for an EU member state's or the UK's VAT number in the right national format. */
export function isWellFormedVatNumber(raw: string): boolean {
  return readVatNumber(raw).kind === 'wellFormed';
}
