import fc from 'fast-check';
import { currencyCodes, type CurrencyCode } from './currency';
import {
  addMoney,
  addUnrounded,
  allocateMoney,
  basisPoints,
  compareMoney,
  equalsMoney,
  money,
  MoneyError,
  moneySchema,
  multiplyByFraction,
  multiplyByQuantity,
  multiplyByRate,
  negateMoney,
  parseMoney,
  roundHalfUp,
  subtractMoney,
  sumMoney,
  toDecimalString,
  toUnrounded,
  zeroMoney,
  type Money,
} from './money';

const eur = (value: number) => money(value, 'EUR');
const jpy = (value: number) => money(value, 'JPY');

function reason(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof MoneyError) return error.reason;
    throw error;
  }
  return undefined;
}

/** Reference rounding on exact integers: numerator ÷ denominator, ties away from zero. */
function referenceHalfUp(numerator: bigint, denominator: bigint): number {
  const sign = numerator < 0n ? -1n : 1n;
  const magnitude = numerator * sign;
  const quotient = magnitude / denominator;
  const twiceRemainder = (magnitude % denominator) * 2n;
  return Number(sign * (twiceRemainder >= denominator ? quotient + 1n : quotient));
}

describe('money', () => {
  it('holds an integer count of minor units and refuses fractions', () => {
    expect(eur(1999)).toEqual({ currency: 'EUR', value: 1999 });
    expect(reason(() => eur(19.99))).toBe('NOT_AN_INTEGER');
    expect(reason(() => eur(Number.NaN))).toBe('NOT_AN_INTEGER');
  });

  it('refuses amounts beyond exact integer arithmetic instead of losing cents', () => {
    expect(reason(() => eur(2 ** 53))).toBe('AMOUNT_TOO_LARGE');
    expect(reason(() => multiplyByQuantity(eur(2 ** 50), 8))).toBe('AMOUNT_TOO_LARGE');
  });

  it('never produces a negative zero, so JSON and equality stay boring', () => {
    expect(Object.is(negateMoney(zeroMoney('EUR')).value, 0)).toBe(true);
    expect(Object.is(eur(-0).value, 0)).toBe(true);
  });

  it('adds, subtracts, sums and negates within one currency', () => {
    expect(addMoney(eur(1999), eur(1))).toEqual(eur(2000));
    expect(subtractMoney(eur(500), eur(799))).toEqual(eur(-299));
    expect(sumMoney('EUR', [eur(100), eur(250), eur(-50)])).toEqual(eur(300));
    expect(sumMoney('JPY', [])).toEqual(zeroMoney('JPY'));
    expect(negateMoney(eur(387))).toEqual(eur(-387));
  });

  it('refuses to mix currencies', () => {
    expect(reason(() => addMoney(eur(1), money(1, 'GBP')))).toBe('CURRENCY_MISMATCH');
    expect(reason(() => subtractMoney(eur(1), money(1, 'PLN')))).toBe('CURRENCY_MISMATCH');
    expect(reason(() => sumMoney('EUR', [money(1, 'USD')]))).toBe('CURRENCY_MISMATCH');
    expect(reason(() => compareMoney(eur(1), money(1, 'CZK')))).toBe('CURRENCY_MISMATCH');
    expect(reason(() => addUnrounded(toUnrounded(eur(1)), toUnrounded(jpy(1))))).toBe('CURRENCY_MISMATCH');
  });

  it('multiplies a unit price by a whole quantity, exactly', () => {
    expect(multiplyByQuantity(eur(1999), 3)).toEqual(eur(5997));
    expect(multiplyByQuantity(jpy(1500), 4)).toEqual(jpy(6000));
    expect(reason(() => multiplyByQuantity(eur(1999), 1.5))).toBe('NOT_AN_INTEGER');
  });

  it('expresses rates as basis points of a percent', () => {
    expect(basisPoints(2550)).toEqual({ amount: 2550, scale: 4 });
    expect(reason(() => basisPoints(25.5))).toBe('NOT_AN_INTEGER');
  });

  it('keeps the product of an amount and a rate exact until it is rounded once', () => {
    const tax = multiplyByRate(eur(1999), basisPoints(2000));
    expect(tax).toEqual({ currency: 'EUR', amount: 3998000, scale: 6 }); // 3.998000 EUR
    expect(roundHalfUp(tax)).toEqual(eur(400));
    expect(reason(() => multiplyByRate(eur(1), { amount: 5, scale: -1 }))).toBe('INVALID_RATE');
  });

  it('works for a zero-decimal currency (JPY)', () => {
    expect(roundHalfUp(multiplyByRate(jpy(1500), basisPoints(1000)))).toEqual(jpy(150));
    expect(roundHalfUp(multiplyByRate(jpy(1505), basisPoints(1000)))).toEqual(jpy(151)); // 150.5
    expect(roundHalfUp(multiplyByRate(jpy(1504), basisPoints(1000)))).toEqual(jpy(150)); // 150.4
    expect(toDecimalString(jpy(1500))).toBe('1500');
  });

  it('rounds half-up, ties away from zero, so that a credit mirrors its invoice', () => {
    const at = (amount: number) => roundHalfUp({ currency: 'EUR', amount, scale: 3 });
    expect(at(125)).toEqual(eur(13)); // 0.125 → 0.13
    expect(at(-125)).toEqual(eur(-13));
    expect(at(124)).toEqual(eur(12));
    expect(at(-124)).toEqual(eur(-12));
    expect(at(-126)).toEqual(eur(-13));
  });

  it('refuses to "round" an amount to more decimals than it has', () => {
    expect(reason(() => roundHalfUp({ currency: 'EUR', amount: 5, scale: 1 }))).toBe('INVALID_RATE');
  });

  it('adds unrounded amounts exactly before the one rounding', () => {
    const halfCent = multiplyByRate(eur(1), basisPoints(5000)); // 0.005
    expect(roundHalfUp(addUnrounded(halfCent, halfCent))).toEqual(eur(1));
    expect(roundHalfUp(addUnrounded(toUnrounded(eur(100)), halfCent))).toEqual(eur(101));
  });

  it('multiplies by a fraction with one half-up rounding (proration)', () => {
    expect(multiplyByFraction(eur(1000), 1, 3)).toEqual(eur(333));
    expect(multiplyByFraction(eur(1000), 2, 3)).toEqual(eur(667));
    expect(multiplyByFraction(eur(5), 1, 2)).toEqual(eur(3));
    expect(multiplyByFraction(eur(-5), 1, 2)).toEqual(eur(-3));
    expect(reason(() => multiplyByFraction(eur(5), 1, 0))).toBe('INVALID_RATE');
    expect(reason(() => multiplyByFraction(eur(5), 0.5, 1))).toBe('NOT_AN_INTEGER');
  });

  it('allocates by ratios, parts adding up to the total', () => {
    expect(allocateMoney(eur(1000), [1, 1, 1])).toEqual([eur(334), eur(333), eur(333)]);
    expect(allocateMoney(eur(-1000), [1, 1, 1])).toEqual([eur(-334), eur(-333), eur(-333)]);
    expect(allocateMoney(jpy(100), [0, 3])).toEqual([jpy(0), jpy(100)]);
    expect(reason(() => allocateMoney(eur(1), []))).toBe('INVALID_ALLOCATION');
    expect(reason(() => allocateMoney(eur(1), [0, 0]))).toBe('INVALID_ALLOCATION');
    expect(reason(() => allocateMoney(eur(1), [2, -1]))).toBe('INVALID_ALLOCATION');
    expect(reason(() => allocateMoney(eur(1), [0.5, 0.5]))).toBe('NOT_AN_INTEGER');
  });

  it('compares amounts', () => {
    expect(compareMoney(eur(1), eur(2))).toBe(-1);
    expect(compareMoney(eur(2), eur(2))).toBe(0);
    expect(compareMoney(eur(3), eur(2))).toBe(1);
    expect(equalsMoney(eur(2), eur(2))).toBe(true);
    expect(equalsMoney(eur(2), money(2, 'USD'))).toBe(false);
  });

  it('prints a decimal string in major units without going through a float', () => {
    expect(toDecimalString(eur(1999))).toBe('19.99');
    expect(toDecimalString(eur(-5))).toBe('-0.05');
    expect(toDecimalString(money(7500, 'CZK'))).toBe('75.00');
  });

  it('serialises as {currency, value} in minor units and parses it back', () => {
    const price = money(13399, 'PLN');
    expect(JSON.stringify(price)).toBe('{"currency":"PLN","value":13399}');
    expect(parseMoney(JSON.parse(JSON.stringify(price)))).toEqual(price);
    expect(moneySchema.safeParse({ currency: 'EUR', value: 12 }).success).toBe(true);
  });

  it('rejects JSON that is not integer minor units of a known currency', () => {
    expect(() => parseMoney({ currency: 'EUR', value: 19.99 })).toThrow();
    expect(() => parseMoney({ currency: 'EUR', value: '1999' })).toThrow();
    expect(() => parseMoney({ currency: 'XYZ', value: 1 })).toThrow();
    expect(() => parseMoney({ currency: 'EUR', value: 1, amount: 1 })).toThrow();
  });
});

describe('money properties', () => {
  const currency = fc.constantFrom(...currencyCodes);
  const amount = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });
  const moneyIn = (code: CurrencyCode) => amount.map((value) => money(value, code));

  it('allocation always sums to the total, each part at most one minor unit from its exact share', () => {
    fc.assert(
      fc.property(
        currency,
        amount,
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 12 }).filter((ratios) => ratios.some((ratio) => ratio > 0)),
        (code, value, ratios) => {
          const parts = allocateMoney(money(value, code), ratios);
          expect(sumMoney(code, parts)).toEqual(money(value, code));
          const ratioTotal = BigInt(ratios.reduce((a, b) => a + b, 0));
          parts.forEach((part, index) => {
            expect(Number.isInteger(part.value)).toBe(true);
            const exactTimesTotal = BigInt(value) * BigInt(ratios[index]);
            const distance = BigInt(part.value) * ratioTotal - exactTimesTotal;
            expect(distance <= ratioTotal && distance >= -ratioTotal).toBe(true);
          });
        },
      ),
    );
  });

  it('rounding is idempotent: a rounded amount rounds to itself', () => {
    fc.assert(
      fc.property(currency, fc.integer({ min: -(2 ** 38), max: 2 ** 38 }), fc.integer({ min: 0, max: 6 }), (code, raw, extra) => {
        const exponent = toUnrounded(money(0, code)).scale;
        const once = roundHalfUp({ currency: code, amount: raw, scale: exponent + extra });
        expect(roundHalfUp(toUnrounded(once))).toEqual(once);
        expect(roundHalfUp(multiplyByRate(once, basisPoints(10000)))).toEqual(once);
      }),
    );
  });

  it('rate products round exactly like integer arithmetic (checked against BigInt), ties away from zero', () => {
    fc.assert(
      fc.property(currency, fc.integer({ min: -400_000_000_000, max: 400_000_000_000 }), fc.integer({ min: 0, max: 10000 }), (code, value, rate) => {
        const rounded = roundHalfUp(multiplyByRate(money(value, code), basisPoints(rate)));
        expect(rounded.value).toBe(referenceHalfUp(BigInt(value) * BigInt(rate), 10000n));
      }),
    );
  });

  it('fractions round exactly like integer arithmetic (checked against BigInt)', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 1100 }), fc.integer({ min: 0, max: 1100 }), (value, denominator, numerator) => {
        const result = multiplyByFraction(eur(value), numerator, denominator);
        expect(result.value).toBe(referenceHalfUp(BigInt(value) * BigInt(numerator), BigInt(denominator)));
      }),
    );
  });

  it('amounts never become fractional, whatever chain of operations', () => {
    type Step = (m: Money) => Money;
    const step: fc.Arbitrary<Step> = fc.oneof(
      moneyIn('EUR').map((other): Step => (m) => addMoney(m, other)),
      moneyIn('EUR').map((other): Step => (m) => subtractMoney(m, other)),
      fc.integer({ min: -3, max: 3 }).map((quantity): Step => (m) => multiplyByQuantity(m, quantity)),
      fc.integer({ min: 0, max: 30000 }).map((rate): Step => (m) => roundHalfUp(multiplyByRate(m, basisPoints(rate)))),
      fc.tuple(fc.integer({ min: 0, max: 366 }), fc.integer({ min: 1, max: 366 })).map(([n, d]): Step => (m) => multiplyByFraction(m, n, d)),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }).map((ratios): Step => (m) => allocateMoney(m, ratios)[0]),
      fc.constant<Step>(negateMoney),
    );
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(step, { maxLength: 8 }), (start, steps) => {
        let current = eur(start);
        for (const apply of steps) {
          try {
            current = apply(current);
          } catch (error) {
            // growing past ±2^52 is refused, never rounded: that is the only acceptable failure
            expect(error).toBeInstanceOf(MoneyError);
            expect((error as MoneyError).reason).toBe('AMOUNT_TOO_LARGE');
            return;
          }
          expect(Number.isSafeInteger(current.value)).toBe(true);
        }
      }),
    );
  });
});
