// When each step of a term falls due, and which one comes next. Pure: the term's dates, the
// account's renew day, the service's renew settings and the renewal policy come in; the
// scheduler stores the result on the term's work row (indexed by its next due time).
import { monthsInPeriod, renewalBillingDate, renewalReminders, type Period, type RenewDay } from '@billing/billing-kernel';
import type { RenewMode } from '@billing/contracts';
import { Temporal } from 'temporal-polyfill';
import type { NotRenewedReason, PaymentRetry, RenewalTermStatus, ReminderDays } from './renewal-term';

export type RenewalPolicy = Readonly<{
  /** without a renew day: the invoice is requested this many days before expiration */
  invoiceLeadDays: number;
  /** days after the first failed payment on which it is attempted again (+1, +3, +7) */
  dunningRetryDays: readonly number[];
  /** days after an unpaid expiration until suspension */
  paymentDeadlineDays: number;
  /** days after an unpaid expiration until termination */
  gracePeriodDays: number;
}>;

/** What the service says about renewing, as subscription published it. */
export type ServiceRenewal = Readonly<{
  renewMode: RenewMode;
  /** imported under its legacy contract and not accepted the new one yet */
  legacy: boolean;
  /** YYYY-MM-DD: a confirmed termination takes effect that day */
  terminationDate?: string;
}>;

/** Why a term starting on `expirationDate` is not renewed, or undefined when it is. */
export function notRenewedReason(service: ServiceRenewal, expirationDate: string): NotRenewedReason | undefined {
  if (service.terminationDate !== undefined && service.terminationDate <= expirationDate) return 'terminationRequested';
  if (service.renewMode === 'deleteAtExpiration') return 'deleteAtExpiration';
  if (service.legacy) return 'contractNotAccepted';
  return undefined;
}

/** The reminder's text: "we will charge" (automatic), "please pay" (manual), "accept the new contract" (legacy). */
export function reminderWording(service: ServiceRenewal, priceChanged: boolean, daysBeforeExpiration: ReminderDays): { renewMode: 'automatic' | 'manual'; wordingKey: string } {
  if (service.legacy) return { renewMode: 'manual', wordingKey: 'renewal.reminder.contractAcceptance' };
  const renewMode = service.renewMode === 'automatic' ? 'automatic' : 'manual';
  // the 40-day reminder is the one that announces a new price
  if (priceChanged && daysBeforeExpiration === 40) return { renewMode, wordingKey: 'renewal.reminder.priceChange' };
  return { renewMode, wordingKey: `renewal.reminder.${renewMode}` };
}

/**
 * The end of the term that starts on `termStart`: the anchor plus a whole number of months,
 * counted from the anchor (Jan 31 → Feb 28/29 → Mar 31), never from the previous end. A term
 * start off the anchor's grid (inconsistent import) is its own anchor.
 */
export function termEndAfter(anchorDate: string, period: Period, termStart: string): string {
  const anchor = Temporal.PlainDate.from(anchorDate);
  const start = Temporal.PlainDate.from(termStart);
  const elapsed = anchor.until(start, { largestUnit: 'months' });
  const months = elapsed.years * 12 + elapsed.months;
  // clamping makes anchor + m months fall short of the start by a few days (Jan 31 + 1 = Feb 28)
  const offset = [months, months + 1].find((candidate) => anchor.add({ months: candidate }).equals(start));
  if (offset === undefined) return start.add({ months: monthsInPeriod(period) }).toString();
  return anchor.add({ months: offset + monthsInPeriod(period) }).toString();
}

/** The dates of a term's steps, fixed when it is scheduled (and again when its inputs change). */
export type TermPlan = Readonly<{
  reminder40On?: string;
  reminder15On?: string;
  /** undefined: the term is not renewed, so no invoice */
  invoiceOn?: string;
  lapseOn: string;
  deadlineOn: string;
  terminationOn: string;
  /** the expiration: when a term that is not renewed ends */
  expireOn: string;
}>;

export type TermPlanInput = Readonly<{
  expirationDate: string;
  /** the day the term was scheduled: reminders already past then are not sent */
  scheduledOn: string;
  /** the account's renew day, when automatic renewals are grouped on it */
  renewDay?: RenewDay;
  notRenewed?: NotRenewedReason;
}>;

const later = (a: Temporal.PlainDate, b: Temporal.PlainDate) => (Temporal.PlainDate.compare(a, b) >= 0 ? a : b);

export function planTerm({ expirationDate, scheduledOn, renewDay, notRenewed }: TermPlanInput, policy: RenewalPolicy): TermPlan {
  const expiration = Temporal.PlainDate.from(expirationDate);
  const scheduled = Temporal.PlainDate.from(scheduledOn);
  const reminds = notRenewed === undefined || notRenewed === 'contractNotAccepted';
  const [at40, at15] = renewalReminders(expiration);
  const upcoming = (date: Temporal.PlainDate) => (reminds && Temporal.PlainDate.compare(date, scheduled) >= 0 ? date.toString() : undefined);

  const billingDate = renewDay !== undefined ? renewalBillingDate(expiration, renewDay).billingDate : expiration.subtract({ days: policy.invoiceLeadDays });
  // a billing date already past when the term is scheduled means "now"
  const invoiceOn = notRenewed === undefined ? later(billingDate, scheduled) : undefined;
  // billed on the expiration day itself: the payment gets that day before the term lapses
  const lapseOn = invoiceOn && Temporal.PlainDate.compare(invoiceOn, expiration) >= 0 ? invoiceOn.add({ days: 1 }) : expiration;
  return {
    ...(upcoming(at40.date) ? { reminder40On: at40.date.toString() } : {}),
    ...(upcoming(at15.date) ? { reminder15On: at15.date.toString() } : {}),
    ...(invoiceOn ? { invoiceOn: invoiceOn.toString() } : {}),
    lapseOn: lapseOn.toString(),
    deadlineOn: expiration.add({ days: policy.paymentDeadlineDays }).toString(),
    terminationOn: expiration.add({ days: policy.gracePeriodDays }).toString(),
    expireOn: expirationDate,
  };
}

/** Where the term stands, as far as scheduling is concerned (mirrors its stream's state). */
export type TermProgress = Readonly<{
  status: RenewalTermStatus;
  remindersSent: readonly ReminderDays[];
  nextRetry?: PaymentRetry;
}>;

export type TermStep = 'reminder40' | 'reminder15' | 'invoice' | 'paymentRetry' | 'lapse' | 'paymentDeadline' | 'gracePeriodEnd' | 'expiration';

/** Order of steps due the same day. */
const stepOrder: readonly TermStep[] = ['reminder40', 'reminder15', 'invoice', 'paymentRetry', 'lapse', 'paymentDeadline', 'gracePeriodEnd', 'expiration'];

export type PlannedStep = Readonly<{ step: TermStep; dueOn: string }>;

/**
 * The next step of the term as of `today`, due or not; undefined when none is left. A reminder
 * is only worth sending before the next milestone: the 40-day one before the 15-day one's date,
 * the 15-day one before the expiration (after an outage, late reminders are skipped, not piled up).
 */
export function nextStep(plan: TermPlan, progress: TermProgress, notRenewed: NotRenewedReason | undefined, today: string): PlannedStep | undefined {
  const candidates: PlannedStep[] = [];
  const { status } = progress;
  const beforeInvoice = status === 'scheduled' || status === 'reminded';
  const unpaid = status === 'invoiceRequested' || status === 'lapsed' || status === 'suspended';

  if (beforeInvoice || status === 'invoiceRequested') {
    const until15 = plan.reminder15On ?? plan.expireOn;
    if (plan.reminder40On && !progress.remindersSent.includes(40) && today < until15) candidates.push({ step: 'reminder40', dueOn: plan.reminder40On });
    if (plan.reminder15On && !progress.remindersSent.includes(15) && today < plan.expireOn) candidates.push({ step: 'reminder15', dueOn: plan.reminder15On });
  }
  if (notRenewed !== undefined) {
    if (beforeInvoice || status === 'invoiceRequested') candidates.push({ step: 'expiration', dueOn: plan.expireOn });
  } else if (beforeInvoice && plan.invoiceOn) {
    candidates.push({ step: 'invoice', dueOn: plan.invoiceOn });
  }
  // a term the customer chose not to renew after it was invoiced is not charged again: it ends
  // at its expiration and its invoice line is credited (RenewalCancelled)
  if (unpaid && progress.nextRetry && notRenewed === undefined) candidates.push({ step: 'paymentRetry', dueOn: progress.nextRetry.retryOn });
  if (notRenewed === undefined && status === 'invoiceRequested') candidates.push({ step: 'lapse', dueOn: plan.lapseOn });
  if (status === 'lapsed') candidates.push({ step: 'paymentDeadline', dueOn: plan.deadlineOn });
  if (status === 'suspended') candidates.push({ step: 'gracePeriodEnd', dueOn: plan.terminationOn });

  return candidates.sort((a, b) => (a.dueOn === b.dueOn ? stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step) : a.dueOn < b.dueOn ? -1 : 1))[0];
}
