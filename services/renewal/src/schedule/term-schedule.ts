// Puts a term's work row in step with its inputs: the service (renew settings, plan, price), the
// account's renew day, the policy, and the term's own progress (its stream's state). Everything
// stored on the row besides its identity is recomputed here, so a row can always be rebuilt.
import { findSubsidiary, memoised, renewalPrice, shippedCatalog, startOfSubsidiaryDay, toSubsidiaryDate, type CurrencyCode, type Money, type Period, type RenewDay, type SubsidiaryCode } from '@billing/billing-kernel';
import { derivedEventId } from '@billing/eventsourcing';
import { Temporal } from 'temporal-polyfill';
import { nextStep, notRenewedReason, planTerm, termEndAfter, type RenewalPolicy, type ServiceRenewal, type TermPlan, type TermProgress } from '../domain/renewal-plan';
import { isUnpaid, type NotRenewedReason, type RenewalTermState } from '../domain/renewal-term';
import type { ServiceRow, TermRow } from './schedule-rows';

/**
 * One term, one id: derived from the service and the expiration it renews, and sorted by that
 * day (a UUID v8 whose time is the term start's first millisecond, UTC). The terms a run works on
 * then share a few leaf pages of every index keyed by their ids, and so do the ids derived from
 * them: their events, invoices, payments and the facts other services record about them.
 *
 * A row is minted once (`ON CONFLICT DO NOTHING` on the service and start keeps the first) and its
 * stored id is what everything else uses: the terms scheduled before ids were time-ordered keep
 * their UUID v5. Anything that would rebuild the schedule must read a term's id from its stream,
 * not derive it again.
 */
export function renewalTermIdOf(serviceId: string, termStart: string): string {
  return derivedEventId(serviceId, `renewal-term/${termStart}`, Date.parse(termStart));
}

function timeZoneOf(subsidiaryCode: string): string {
  return findSubsidiary(subsidiaryCode)?.timeZone ?? 'UTC';
}

/** The kernel keeps each time zone's current day as one PlainDate: its text is kept beside it. */
const dayTexts = new WeakMap<Temporal.PlainDate, string>();

/** Today in the subsidiary's calendar. */
export function subsidiaryToday(now: Temporal.Instant, subsidiaryCode: string): string {
  const today = toSubsidiaryDate(now, { timeZone: timeZoneOf(subsidiaryCode) });
  let text = dayTexts.get(today);
  if (text === undefined) {
    text = today.toString();
    dayTexts.set(today, text);
  }
  return text;
}

/** A row's due instant read back (rows of a run share a few): Temporal.Instant.from, memoised. */
export const dueInstantOf: (text: string) => Temporal.Instant = memoised((text) => Temporal.Instant.from(text));

/** The instant a subsidiary day begins: when a step dated that day falls due. */
export const dueInstant: (date: string, subsidiaryCode: string) => string = memoised((date, subsidiaryCode) =>
  startOfSubsidiaryDay(Temporal.PlainDate.from(date), { timeZone: timeZoneOf(subsidiaryCode) }).toString(),
);

/** termEndAfter, memoised. */
export const termEndOf: (anchorDate: string, period: Period, termStart: string) => string = memoised((anchorDate, period, termStart) =>
  termEndAfter(anchorDate, period as Period, termStart),
);

const plans = new WeakMap<RenewalPolicy, (...keys: string[]) => TermPlan>();

/** planTerm, memoised per policy. */
function planOf(input: { expirationDate: string; scheduledOn: string; renewDay?: RenewDay; notRenewed?: NotRenewedReason }, policy: RenewalPolicy): TermPlan {
  let plan = plans.get(policy);
  if (!plan) {
    plan = memoised((expirationDate, scheduledOn, renewDay, notRenewed) =>
      planTerm(
        { expirationDate, scheduledOn, ...(renewDay ? { renewDay: Number(renewDay) } : {}), ...(notRenewed ? { notRenewed: notRenewed as NotRenewedReason } : {}) },
        policy,
      ),
    );
    plans.set(policy, plan);
  }
  return plan(input.expirationDate, input.scheduledOn, input.renewDay === undefined ? '' : String(input.renewDay), input.notRenewed ?? '');
}

export function renewalOf(service: ServiceRow): ServiceRenewal {
  return { renewMode: service.renewMode, legacy: service.legacy, ...(service.terminationDate ? { terminationDate: service.terminationDate } : {}) };
}

export function notRenewedReasonOf(service: ServiceRow, termStart: string): NotRenewedReason | undefined {
  // a terminated service renews nothing; its terms are cancelled, this only keeps them quiet
  if (service.state === 'terminated') return 'terminationRequested';
  return notRenewedReason(renewalOf(service), termStart);
}

/**
 * The price of the term starting on `termStart`: the catalog version in force that day, unless
 * the plan is grandfathered (kernel `renewalPrice`). A plan the catalog does not know (a legacy
 * import) renews at the price it pays.
 */
export function renewalAmountOf(service: ServiceRow, termStart: string): Money {
  return renewalAmountMemo(service.planCode, service.subsidiary, service.period, service.currency, String(service.price), termStart);
}

const renewalAmountMemo = memoised((planCode, subsidiaryCode, period, currency, price, termStart) =>
  catalogRenewalAmount({ planCode, subsidiary: subsidiaryCode, period: period as Period, currency, price: Number(price) }, termStart),
);

function catalogRenewalAmount(service: Pick<ServiceRow, 'planCode' | 'subsidiary' | 'period' | 'currency' | 'price'>, termStart: string): Money {
  const currentPrice: Money = { currency: service.currency as CurrencyCode, value: service.price };
  try {
    return renewalPrice(shippedCatalog, {
      planCode: service.planCode,
      subsidiary: service.subsidiary as SubsidiaryCode,
      period: service.period,
      currentPrice,
      renewalDate: Temporal.PlainDate.from(termStart),
    });
  } catch {
    return currentPrice;
  }
}

export function progressOfState(state: RenewalTermState): TermProgress {
  if (state.status === 'scheduled') return { status: 'scheduled', remindersSent: [] };
  if (state.status === 'reminded') return { status: 'reminded', remindersSent: state.remindersSent };
  if (isUnpaid(state)) {
    return { status: state.status, remindersSent: state.remindersSent, ...(state.billing.nextRetry ? { nextRetry: state.billing.nextRetry } : {}) };
  }
  return { status: state.status, remindersSent: [] };
}

export function progressOfRow(term: TermRow): TermProgress {
  return {
    status: term.status,
    remindersSent: term.remindersSent,
    ...(term.nextRetryAttempt !== null && term.nextRetryOn !== null ? { nextRetry: { attempt: term.nextRetryAttempt, retryOn: term.nextRetryOn } } : {}),
  };
}

export type TermScheduleInputs = Readonly<{
  service: ServiceRow;
  renewDay?: RenewDay;
  policy: RenewalPolicy;
  today: string;
}>;

/** A new term row for the expiration `termStart` of the service, scheduled today. */
export function newTermRow(termStart: string, inputs: TermScheduleInputs): TermRow {
  const { service } = inputs;
  const blank: TermRow = {
    renewalTermId: renewalTermIdOf(service.serviceId, termStart),
    serviceId: service.serviceId,
    customerId: service.customerId,
    subsidiary: service.subsidiary,
    termStart,
    termEnd: termStart,
    scheduledOn: inputs.today < termStart ? inputs.today : termStart,
    currency: service.currency,
    expectedAmount: 0,
    requestedAmount: null,
    reminder40On: null,
    reminder15On: null,
    invoiceOn: null,
    lapseOn: termStart,
    deadlineOn: termStart,
    terminationOn: termStart,
    status: 'scheduled',
    remindersSent: [],
    invoiceId: null,
    nextRetryAttempt: null,
    nextRetryOn: null,
    nextStep: null,
    nextDueAt: null,
  };
  return rescheduledTerm(blank, inputs);
}

/**
 * The term row recomputed: its plan from the service and the renew day, its progress from the
 * stream's state (when given), and its next step as of today. Once invoiced, the term's end and
 * amount are the ones requested.
 */
export function rescheduledTerm(term: TermRow, inputs: TermScheduleInputs, state?: RenewalTermState): TermRow {
  const { service, renewDay, policy, today } = inputs;
  const progress = state ? progressOfState(state) : progressOfRow(term);
  const notRenewed = notRenewedReasonOf(service, term.termStart);
  const plan = planOf({ expirationDate: term.termStart, scheduledOn: term.scheduledOn, renewDay, notRenewed }, policy);
  const invoiced = progress.status !== 'scheduled' && progress.status !== 'reminded';
  const requested = state && 'billing' in state ? state.billing : undefined;
  const step = nextStep(plan, progress, notRenewed, today);
  return {
    ...term,
    termEnd: invoiced ? (requested?.termEndDate ?? term.termEnd) : termEndOf(service.anchorDate, service.period, term.termStart),
    expectedAmount: invoiced ? term.expectedAmount : renewalAmountOf(service, term.termStart).value,
    requestedAmount: requested ? requested.amount.value : term.requestedAmount,
    reminder40On: plan.reminder40On ?? null,
    reminder15On: plan.reminder15On ?? null,
    invoiceOn: plan.invoiceOn ?? null,
    lapseOn: plan.lapseOn,
    deadlineOn: plan.deadlineOn,
    terminationOn: plan.terminationOn,
    status: progress.status,
    remindersSent: [...progress.remindersSent],
    invoiceId: (state && 'billing' in state ? state.billing.invoiceId : undefined) ?? (state?.status === 'renewed' ? state.invoiceId : term.invoiceId),
    nextRetryAttempt: progress.nextRetry?.attempt ?? null,
    nextRetryOn: progress.nextRetry?.retryOn ?? null,
    nextStep: step?.step ?? null,
    nextDueAt: step ? dueInstant(step.dueOn, term.subsidiary) : null,
  };
}
