// The Clock port: the only way services learn the time. Production reads the system clock;
// outside production the clock can be set and advanced (the test clock), so a year of
// renewals can be simulated in minutes.
import { Temporal } from 'temporal-polyfill';

export interface Clock {
  now(): Temporal.Instant;
}

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
