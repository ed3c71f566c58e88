import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { AdjustableClock, FixedClock, instantText } from './clock';

describe('clocks', () => {
  const start = Temporal.Instant.from('2026-01-31T09:00:00Z');

  it('a fixed clock reads what it was set to', () => {
    const clock = new FixedClock(start);
    expect(clock.now().toString()).toBe('2026-01-31T09:00:00Z');
    clock.set(Temporal.Instant.from('2026-02-28T09:00:00Z'));
    expect(clock.now().toString()).toBe('2026-02-28T09:00:00Z');
  });

  it('an adjustable clock jumps to a set instant and advances from there', () => {
    const base = new FixedClock(start);
    const clock = new AdjustableClock(base);
    clock.set(Temporal.Instant.from('2027-01-31T00:00:00Z'));
    expect(clock.now().toString()).toBe('2027-01-31T00:00:00Z');
    clock.advance({ hours: 24 * 28 });
    expect(clock.now().toString()).toBe('2027-02-28T00:00:00Z');
  });

  it('an adjustable clock keeps flowing with its base clock', () => {
    const base = new FixedClock(start);
    const clock = new AdjustableClock(base);
    clock.advance({ hours: 1 });
    base.set(start.add({ seconds: 30 }));
    expect(clock.now().toString()).toBe('2026-01-31T10:00:30Z');
    expect(clock.offset.total('seconds')).toBe(3600);
  });

  it('writes an instant as events carry it: what the polyfill writes with milliseconds, at any nanosecond', () => {
    const epochNanoseconds = fc.bigInt({ min: -62_167_219_200_000_000_000n - 10n ** 15n, max: 253_402_300_799_999_999_999n + 10n ** 15n });
    fc.assert(
      fc.property(epochNanoseconds, (nanoseconds) => {
        const instant = Temporal.Instant.fromEpochNanoseconds(nanoseconds);
        expect(instantText(instant)).toBe(instant.toString({ fractionalSecondDigits: 3 }));
      }),
      { numRuns: 2_000 },
    );
    expect(instantText(Temporal.Instant.from('2027-05-14T06:00:00Z'))).toBe('2027-05-14T06:00:00.000Z');
    expect(instantText(Temporal.Instant.from('1969-12-31T23:59:59.9999Z'))).toBe('1969-12-31T23:59:59.999Z');
  });
});
