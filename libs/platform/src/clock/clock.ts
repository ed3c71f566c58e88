// The Clock port: the only way services learn the time. Production reads the system clock;
// outside production the clock can be set and advanced (the test clock), so a year of
// renewals can be simulated in minutes.
import { Temporal } from 'temporal-polyfill';

export interface Clock {
  now(): Temporal.Instant;
}

/**
 * An instant as events and rows carry it: UTC, milliseconds (`2027-05-14T06:00:00.000Z`), the
 * text of `instant.toString({ fractionalSecondDigits: 3 })` for years 0 to 9999, made by the
 * engine's Date rather than the polyfill's formatter, which costs tens of microseconds a call.
 */
export function instantText(instant: Temporal.Instant): string {
  const epochMilliseconds = instant.epochMilliseconds;
  return epochMilliseconds >= MIN_FOUR_DIGIT_YEAR_MS && epochMilliseconds <= MAX_FOUR_DIGIT_YEAR_MS
    ? new Date(epochMilliseconds).toISOString()
    : instant.toString({ fractionalSecondDigits: 3 });
}

const MIN_FOUR_DIGIT_YEAR_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_FOUR_DIGIT_YEAR_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Injection token for the service's Clock. */
export const CLOCK = Symbol('CLOCK');

export class SystemClock implements Clock {
  now(): Temporal.Instant {
    return Temporal.Now.instant();
  }
}

/**
 * A clock that runs at real speed from a moved origin: `set` jumps to an instant, `advance`
 * moves forward; time keeps flowing between changes, so timeouts and orderings still behave.
 */
export class AdjustableClock implements Clock {
  private offsetNanoseconds = 0n;

  constructor(private readonly base: Clock = new SystemClock()) {}

  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochNanoseconds(this.base.now().epochNanoseconds + this.offsetNanoseconds);
  }

  /** Moves the clock so that it reads `instant` now. */
  set(instant: Temporal.Instant): void {
    this.offsetNanoseconds = instant.epochNanoseconds - this.base.now().epochNanoseconds;
  }

  /** Moves the clock forward; refuses to go back (events must not precede their causes). */
  advance(duration: Temporal.Duration | Temporal.DurationLike): void {
    const target = this.now().add(Temporal.Duration.from(duration));
    this.set(target);
  }

  /** How far the clock is ahead of the system clock. */
  get offset(): Temporal.Duration {
    return Temporal.Duration.from({ milliseconds: Number(this.offsetNanoseconds / 1_000_000n) });
  }
}

/** A clock that does not move unless told: for unit tests. */
export class FixedClock implements Clock {
  constructor(private instant: Temporal.Instant) {}

  now(): Temporal.Instant {
    return this.instant;
  }

  set(instant: Temporal.Instant): void {
    this.instant = instant;
  }
}
