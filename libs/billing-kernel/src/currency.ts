// The currencies the platform bills in, with their ISO 4217 minor-unit exponents taken from
// dinero.js's ISO 4217 table rather than retyped here.
import { CAD, CZK, EUR, GBP, JPY, PLN, USD, type DineroCurrency } from 'dinero.js';

const dineroCurrencies = { EUR, GBP, PLN, CZK, CAD, USD, JPY } as const;

/** ISO 4217 code of a currency the kernel can bill in. JPY (exponent 0) proves the code is not EUR-shaped. */
export type CurrencyCode = keyof typeof dineroCurrencies;

export const currencyCodes = Object.keys(dineroCurrencies) as readonly CurrencyCode[];

export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(dineroCurrencies, code);
}

/** Number of decimal places of the currency's minor unit (EUR 2, JPY 0). */
export function minorUnitExponent(currency: CurrencyCode): number {
  return dineroCurrencies[currency].exponent;
}

/** The dinero.js currency definition; only the money module should need it. */
export function dineroCurrency(currency: CurrencyCode): DineroCurrency<number, CurrencyCode> {
  return dineroCurrencies[currency];
}
