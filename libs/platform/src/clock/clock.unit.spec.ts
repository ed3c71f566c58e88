import { Temporal } from 'temporal-polyfill';
import { AdjustableClock, FixedClock } from './clock';

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
});
