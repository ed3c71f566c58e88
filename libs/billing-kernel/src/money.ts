// Money is an integer count of the currency's minor unit; every computation goes through
// dinero.js so that nothing here ever holds a fractional amount.
import {
  add as dineroAdd,
  allocate as dineroAllocate,
  dinero,
  halfAwayFromZero,
  multiply as dineroMultiply,
  toDecimal,
  toSnapshot,
  transformScale,
  type Dinero,
} from 'dinero.js';
import { z } from 'zod';
import { currencyCodes, dineroCurrency, minorUnitExponent, type CurrencyCode } from './currency';

/**
 * An amount in integer minor units (`{ currency: 'EUR', value: 1999 }` is 19.99 EUR). This is
 * also its JSON form, so events and read models store it as is and never see a float.
 */
export type Money = Readonly<{ currency: CurrencyCode; value: number }>;

/**
 * An exact amount carrying more decimals than its currency has — the result of applying a rate,
 * before its one rounding: `amount × 10^-scale` units of the currency (scale ≥ the exponent).
 * It cannot be paid, stored on an invoice or serialised as Money until `roundHalfUp` is applied.
 */
export type UnroundedMoney = Readonly<{ currency: CurrencyCode; amount: number; scale: number }>;

/** An exact decimal multiplier: `amount × 10^-scale`. 25.5 % is `{ amount: 2550, scale: 4 }`. */
export type Rate = Readonly<{ amount: number; scale: number }>;

export type MoneyErrorReason =
  | 'NOT_AN_INTEGER'
  | 'AMOUNT_TOO_LARGE'
  | 'CURRENCY_MISMATCH'
  | 'INVALID_RATE'
  | 'INVALID_ALLOCATION';

/** A programming error in an amount computation (never a customer's input error). */
export class MoneyError extends Error {
  constructor(
    readonly reason: MoneyErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

// dinero's number calculator divides with `Math.trunc(a / b)`, which is exact only while the
// dividend stays well inside the doubles' 53-bit mantissa; 2^52 minor units is 45 000 billion
// EUR, so hitting this bound means a bug, and we refuse rather than round silently.
const exactIntegerLimit = 2 ** 52;

function assertExactInteger(amount: number, what: string): void {
  if (!Number.isInteger(amount)) {
    throw new MoneyError('NOT_AN_INTEGER', `${what} must be an integer, got ${amount}`);
  }
  if (Math.abs(amount) > exactIntegerLimit) {
    throw new MoneyError('AMOUNT_TOO_LARGE', `${what} ${amount} exceeds ±2^52, beyond exact integer arithmetic`);
  }
}

function assertSameCurrency(a: { currency: CurrencyCode }, b: { currency: CurrencyCode }): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('CURRENCY_MISMATCH', `cannot combine ${a.currency} and ${b.currency}`);
  }
}

function toDinero(amount: Money | UnroundedMoney): Dinero<number, CurrencyCode> {
  return 'value' in amount
    ? dinero({ amount: amount.value, currency: dineroCurrency(amount.currency), scale: minorUnitExponent(amount.currency) })
    : dinero({ amount: amount.amount, currency: dineroCurrency(amount.currency), scale: amount.scale });
}

function fromRoundedDinero(d: Dinero<number, CurrencyCode>): Money {
  const { amount, currency } = toSnapshot(d);
  return money(amount, currency.code);
}

function fromUnroundedDinero(d: Dinero<number, CurrencyCode>): UnroundedMoney {
  const { amount, currency, scale } = toSnapshot(d);
  assertExactInteger(amount, 'unrounded amount');
  return { currency: currency.code, amount, scale };
}

export function money(value: number, currency: CurrencyCode): Money {
  assertExactInteger(value, `${currency} amount`);
  // normalise -0 so that JSON and equality never see a negative zero
  return { currency, value: value === 0 ? 0 : value };
}

export function zeroMoney(currency: CurrencyCode): Money {
  return money(0, currency);
}

export function addMoney(augend: Money, addend: Money): Money {
  assertSameCurrency(augend, addend);
  return money(augend.value + addend.value, augend.currency);
}

export function subtractMoney(minuend: Money, subtrahend: Money): Money {
  assertSameCurrency(minuend, subtrahend);
  return money(minuend.value - subtrahend.value, minuend.currency);
}

/** Sum of amounts in one currency; the currency is explicit so that an empty list still has one. */
export function sumMoney(currency: CurrencyCode, amounts: readonly Money[]): Money {
  return amounts.reduce((total, amount) => addMoney(total, amount), zeroMoney(currency));
}

/** The opposite amount, e.g. a credit for an unused term. */
export function negateMoney(amount: Money): Money {
  return money(-amount.value, amount.currency);
}

/** Unit price × quantity: exact, no rounding involved. */
export function multiplyByQuantity(unitPrice: Money, quantity: number): Money {
  assertExactInteger(quantity, 'quantity');
  return fromRoundedDinero(dineroMultiply(toDinero(unitPrice), quantity));
}

/** A rate expressed in basis points of a percent: 2550 → 25.50 %. */
export function basisPoints(rateInBasisPoints: number): Rate {
  assertExactInteger(rateInBasisPoints, 'rate in basis points');
  return { amount: rateInBasisPoints, scale: 4 };
}

/** Exact product of an amount and a rate; round it once with `roundHalfUp` when it must become Money. */
export function multiplyByRate(amount: Money | UnroundedMoney, rate: Rate): UnroundedMoney {
  assertExactInteger(rate.amount, 'rate amount');
  if (!Number.isInteger(rate.scale) || rate.scale < 0) {
    throw new MoneyError('INVALID_RATE', `rate scale must be a non-negative integer, got ${rate.scale}`);
  }
  return fromUnroundedDinero(dineroMultiply(toDinero(amount), { amount: rate.amount, scale: rate.scale }));
}

/** Lifts an exact amount into the unrounded world, e.g. to add it to products of rates. */
export function toUnrounded(amount: Money): UnroundedMoney {
  return { currency: amount.currency, amount: amount.value, scale: minorUnitExponent(amount.currency) };
}

export function addUnrounded(augend: UnroundedMoney, addend: UnroundedMoney): UnroundedMoney {
  assertSameCurrency(augend, addend);
  return fromUnroundedDinero(dineroAdd(toDinero(augend), toDinero(addend)));
}

/**
 * The one rounding step, to the currency's minor unit. "Half-up" in the commercial sense
 * (Java's RoundingMode.HALF_UP, what tax administrations mean): ties go away from zero, so a
 * credit note's tax is exactly the opposite of its invoice's.
 */
export function roundHalfUp(amount: UnroundedMoney): Money {
  const exponent = minorUnitExponent(amount.currency);
  if (amount.scale < exponent) {
    throw new MoneyError('INVALID_RATE', `an unrounded ${amount.currency} amount cannot have fewer than ${exponent} decimals`);
  }
  return fromRoundedDinero(transformScale(toDinero(amount), exponent, halfAwayFromZero));
}

/**
 * amount × numerator ÷ denominator, rounded half-up once — day-based proration
 * (`price × days used ÷ days in term`) without ever leaving integers.
 */
export function multiplyByFraction(amount: Money, numerator: number, denominator: number): Money {
  assertExactInteger(numerator, 'numerator');
  assertExactInteger(denominator, 'denominator');
  if (denominator <= 0) {
    throw new MoneyError('INVALID_RATE', `denominator must be positive, got ${denominator}`);
  }
  const dividend = amount.value * numerator;
  assertExactInteger(dividend, 'amount × numerator');
  const { calculator } = toDinero(amount);
  return money(halfAwayFromZero(dividend, denominator, calculator), amount.currency);
}

/**
 * Splits an amount in proportion to integer ratios; the parts always add up to the amount.
 * Each part is its share rounded down, and the minor units left over go one each to the parts
 * with the largest ratios, so no part is more than one minor unit away from its exact share.
 */
export function allocateMoney(amount: Money, ratios: readonly number[]): Money[] {
  ratios.forEach((ratio) => assertExactInteger(ratio, 'allocation ratio'));
  if (ratios.length === 0 || ratios.some((ratio) => ratio < 0) || !ratios.some((ratio) => ratio > 0)) {
    throw new MoneyError('INVALID_ALLOCATION', `ratios must be non-negative with at least one positive, got [${ratios.join(', ')}]`);
  }
  // dinero computes amount × ratio before dividing by the ratios' total
  assertExactInteger(amount.value * Math.max(...ratios), 'amount × largest ratio');
  return dineroAllocate(toDinero(amount), ratios).map(fromRoundedDinero);
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function equalsMoney(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.value === b.value;
}

/** Decimal string in major units ("19.99", "-0.05", "1500" for JPY) for documents and e-mails. */
export function toDecimalString(amount: Money): string {
  return toDecimal(toDinero(amount));
}

/** The JSON form of Money, for validating amounts arriving from outside (HTTP, files, events). */
export const moneySchema = z
  .object({
    currency: z.enum(currencyCodes as [CurrencyCode, ...CurrencyCode[]]),
    value: z.int().min(-exactIntegerLimit).max(exactIntegerLimit),
  })
  .strict();

/** Parses `{currency, value}` JSON into Money; throws a ZodError naming the bad field. */
export function parseMoney(json: unknown): Money {
  const { currency, value } = moneySchema.parse(json);
  return money(value, currency);
}
