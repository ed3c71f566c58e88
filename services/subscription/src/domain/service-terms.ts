// The calendar of a service: its anchored term ends, what is scheduled to end it and when, as
// pure functions of its state (the decider, the read model and the scheduler share them).
import { memoised, subsidiary, termEnd, toSubsidiaryDate, monthsInPeriod, type Period, type SubsidiaryCode } from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';
import type { EndOfServiceReason, PendingAction, RenewMode, ServiceStatus } from './service';

/** The subsidiary's calendar date at an instant (ISO-8601): what "today" means for a service. */
export function subsidiaryDate(at: string, code: SubsidiaryCode): string {
  return toSubsidiaryDate(Temporal.Instant.from(at), subsidiary(code)).toString();
}

/**
 * The expiration after one more term of `period`: counted in months from the anchor, never from
 * the previous end (Jan 31 → Feb 28 → Mar 31 → Apr 30), whatever the periods were before.
 */
export function nextExpirationDate(service: Readonly<{ anchorDate: string; monthsFromAnchor: number; period: Period }>): string {
  return monthsAfterAnchor(service.anchorDate, String(service.monthsFromAnchor + monthsInPeriod(service.period)));
}

const monthsAfterAnchor = memoised((anchorDate, months) => termEnd(Temporal.PlainDate.from(anchorDate), 'P1M', Number(months)).toString());

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function compareDates(a: string, b: string): number {
  // ISO dates of four-digit years sort as text in calendar order
  if (isoDate.test(a) && isoDate.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Temporal.PlainDate.compare(Temporal.PlainDate.from(a), Temporal.PlainDate.from(b));
}

/** What decides whether, when and why a service ends on its own. */
export type TerminationOutlook = Readonly<{
  status: ServiceStatus;
  renewMode: RenewMode;
  /** a legacy service whose customer has not accepted the new contract */
  legacyContract: boolean;
  scheduledTermination?: 'atExpiration' | 'atEngagementEnd';
  expirationDate: string;
  engagedUpTo?: string;
}>;

export type DueTermination = Readonly<{ date: string; reason: EndOfServiceReason; action: PendingAction }>;

function terminationCandidates(outlook: TerminationOutlook): DueTermination[] {
  if (outlook.status === 'terminated') return [];
  const candidates: DueTermination[] = [];
  if (outlook.scheduledTermination === 'atExpiration') {
    candidates.push({ date: outlook.expirationDate, reason: 'customerRequest', action: 'terminateAtExpirationDate' });
  }
  if (outlook.scheduledTermination === 'atEngagementEnd' && outlook.engagedUpTo) {
    candidates.push({ date: outlook.engagedUpTo, reason: 'customerRequest', action: 'terminateAtEngagementDate' });
  }
  if (outlook.renewMode === 'deleteAtExpiration') {
    candidates.push({ date: outlook.expirationDate, reason: 'deleteAtExpiration', action: 'terminateAtExpirationDate' });
  }
  if (outlook.legacyContract) {
    candidates.push({ date: outlook.expirationDate, reason: 'contractNotAccepted', action: 'terminateAtExpirationDate' });
  }
  return candidates;
}

/** The termination that comes first, if anything is scheduled to end the service (the earliest date wins). */
export function scheduledEnd(outlook: TerminationOutlook): DueTermination | undefined {
  return terminationCandidates(outlook).reduce<DueTermination | undefined>(
    (first, candidate) => (first === undefined || compareDates(candidate.date, first.date) < 0 ? candidate : first),
    undefined,
  );
}

/** `billing.lifecycle.pendingActions`: everything scheduled to end the service. */
export function pendingActions(outlook: TerminationOutlook): PendingAction[] {
  return [...new Set(terminationCandidates(outlook).map((candidate) => candidate.action))];
}
