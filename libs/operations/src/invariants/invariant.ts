// What an invariant is to the checker: a named rule over the platform's stores that counts what
// it checked and names each violation by the ids an operator can look up.
import type { ServiceDatabases } from '../service-databases';
import type { OperationsTarget } from '../target';

export interface InvariantViolation {
  /** what is wrong, by its ids (order, invoice, series, customer, event) */
  readonly id: string;
  readonly detail: string;
}

export interface InvariantOutcome {
  readonly checked: number;
  readonly violations: readonly InvariantViolation[];
  /** why (part of) the rule could not be checked here, e.g. a store the deployment does not have */
  readonly notes?: readonly string[];
}

export interface InvariantResult extends InvariantOutcome {
  readonly name: string;
  readonly description: string;
  readonly durationMs: number;
  /** the check itself failed (a store unreachable): not a pass */
  readonly error?: string;
}

/** A message a chaos run injected as malformed: found in a dead-letter topic by key, event id or origin position. */
export interface InjectedMessage {
  /** the topic it was produced to (under the target's prefix, or without it) */
  readonly topic: string;
  readonly key?: string;
  readonly eventId?: string;
  readonly partition?: number;
  readonly offset?: string;
}

export interface InvariantContext {
  readonly target: OperationsTarget;
  readonly databases: ServiceDatabases;
  /** Facts younger than this are still settling (in flight between services): not judged. */
  readonly graceSeconds: number;
  /** The platform's time (the test clock's outside production): when renewals are due. */
  readonly now: Date;
  readonly injectedMessages: readonly InjectedMessage[];
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  check(context: InvariantContext): Promise<InvariantOutcome>;
}

/** Enough ids to act on; the count says how many there are. */
export const MAX_VIOLATIONS_LISTED = 50;

export function limited(violations: InvariantViolation[], total = violations.length): InvariantViolation[] {
  if (total <= MAX_VIOLATIONS_LISTED) return violations;
  return [...violations.slice(0, MAX_VIOLATIONS_LISTED), { id: '…', detail: `${total - MAX_VIOLATIONS_LISTED} more not listed` }];
}
