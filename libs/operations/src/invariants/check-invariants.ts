// The invariant checker (issue #8): runs every invariant over the four services' stores and the
// broker and reports, per invariant, what it checked and each violation by id. A chaos run calls
// it after the platform has settled; `billingctl check` prints it.
import { OperatorHttp } from '../operator-http';
import { ServiceDatabases } from '../service-databases';
import type { OperationsTarget } from '../target';
import { noInvoiceChargedTwice } from './charges.invariant';
import { debtAccountsMatchUnpaidInvoices } from './debt-account.invariant';
import { malformedMessagesDeadLettered } from './dead-letters.invariant';
import type { InjectedMessage, Invariant, InvariantResult } from './invariant';
import { invoiceNumbersContinuous } from './invoice-numbering.invariant';
import { deliveredOrdersHaveTheirServices } from './order-delivery.invariant';
import { storedEventsPublished } from './outbox.invariant';
import { renewalsInvoicedOnce } from './renewal-invoicing.invariant';

export const invariants: readonly Invariant[] = [
  deliveredOrdersHaveTheirServices,
  renewalsInvoicedOnce,
  noInvoiceChargedTwice,
  invoiceNumbersContinuous,
  debtAccountsMatchUnpaidInvoices,
  storedEventsPublished,
  malformedMessagesDeadLettered,
];

export interface CheckOptions {
  readonly target: OperationsTarget;
  /** Facts younger than this are in flight, not judged (default 0: call it on a settled platform). */
  readonly graceSeconds?: number;
  /** Messages a chaos run injected as malformed, to be found in the dead-letter topics. */
  readonly injectedMessages?: readonly InjectedMessage[];
  /** The platform's time for what is due; default: the renewal service's clock, else real time. */
  readonly now?: Date;
  /** Only the invariants of these names. */
  readonly only?: readonly string[];
}

export interface InvariantReport {
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly platformTime: string;
  readonly invariants: readonly InvariantResult[];
}

export async function checkInvariants(options: CheckOptions): Promise<InvariantReport> {
  const selected = options.only?.length ? invariants.filter((invariant) => options.only?.includes(invariant.name)) : invariants;
  const databases = new ServiceDatabases(options.target);
  const now = options.now ?? (await platformTime(options.target));
  const context = {
    target: options.target,
    databases,
    graceSeconds: options.graceSeconds ?? 0,
    now,
    injectedMessages: options.injectedMessages ?? [],
  };
  const results: InvariantResult[] = [];
  try {
    for (const invariant of selected) {
      const started = performance.now();
      const base = { name: invariant.name, description: invariant.description };
      try {
        const outcome = await invariant.check(context);
        results.push({ ...base, ...outcome, durationMs: Math.round(performance.now() - started) });
      } catch (error) {
        results.push({ ...base, checked: 0, violations: [], error: (error as Error).message, durationMs: Math.round(performance.now() - started) });
      }
    }
  } finally {
    await databases.close();
  }
  return {
    ok: results.every((result) => result.violations.length === 0 && result.error === undefined),
    checkedAt: new Date().toISOString(),
    platformTime: now.toISOString(),
    invariants: results,
  };
}

/** The test clock moves the platform's time outside production: renewals fall due by it. */
async function platformTime(target: OperationsTarget): Promise<Date> {
  if (target.environment === 'production') return new Date();
  try {
    const { now } = await new OperatorHttp(target).json<{ now: string }>('renewal', '/operator/clock');
    return new Date(now);
  } catch {
    return new Date();
  }
}
