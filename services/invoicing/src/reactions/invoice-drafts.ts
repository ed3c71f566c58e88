// What an order, a renewal term or a plan change asks invoicing to bill, as invoice drafts: one
// line per item and per option (an option is billed with its item and carries its item's id), the
// category, how it is settled, and when it is payable. Tax, totals, number and issue time come at
// issue.
import { catalogVersionOn, findPlan, prorateChangeOfPlan, purchaseBillCategory, shippedCatalog, type Money, type SubsidiaryCode } from '@billing/billing-kernel';
import type { OrderPlaced, RenewalInvoiceRequested, ServicePlanChanged } from '@billing/contracts';
import { Temporal } from 'temporal-polyfill';
import type { InvoiceDraft } from '../commands/invoice-issuing';
import { invoiceIdOf } from '../commands/invoice-ids';
import type { BilledTo } from '../domain/customer-account';
import type { DraftLine } from '../domain/invoice.decide';

const periodWording: Readonly<Record<string, string>> = {
  P1M: '1 month',
  P3M: '3 months',
  P6M: '6 months',
  P1Y: '1 year',
  P2Y: '2 years',
  P3Y: '3 years',
};

/** The plan's name in the catalog of the day, for the invoice's reader; its code when unknown. */
function planName(planCode: string, on: string): string {
  try {
    return findPlan(catalogVersionOn(shippedCatalog, Temporal.PlainDate.from(on)), planCode)?.label ?? planCode;
  } catch {
    return planCode;
  }
}

const asMoney = (amount: { currency: string; value: number }) => amount as Money;

export function orderInvoiceDraft(order: OrderPlaced, billedTo: BilledTo): InvoiceDraft {
  const day = order.placedAt.slice(0, 10);
  const lines: DraftLine[] = order.items.flatMap((item) => [
    {
      description: `${planName(item.planCode, day)} — ${periodWording[item.period] ?? item.period}`,
      planCode: item.planCode,
      itemId: item.itemId,
      quantity: item.quantity,
      unitPrice: asMoney(item.unitPrice),
    },
    ...(item.options ?? []).map((option) => ({
      description: `${planName(option.planCode, day)} — option of ${planName(item.planCode, day)}, ${periodWording[item.period] ?? item.period}`,
      planCode: option.planCode,
      itemId: item.itemId,
      quantity: option.quantity,
      unitPrice: asMoney(option.unitPrice),
    })),
  ]);
  const source = { kind: 'order', orderId: order.orderId } as const;
  return {
    invoiceId: invoiceIdOf(source),
    customerId: order.customerId,
    source,
    // one category per bill: the universe of the order's first item
    category: purchaseBillCategory(order.items[0].universe),
    subsidiary: order.subsidiary,
    currency: order.currency,
    billedTo,
    lines,
    settlement: { autoPay: order.autoPay, ...(order.paymentMethodId ? { paymentMethodId: order.paymentMethodId } : {}) },
  };
}

/**
 * A renewal term's invoice: a line for the term, and one for each term grouped with it (the
 * customer's other automatic terms billed the same day), charged once. It is payable until the
 * first of them expires: the earliest term's first day.
 */
export function renewalInvoiceDraft(request: RenewalInvoiceRequested, billedTo: BilledTo): InvoiceDraft {
  const grouped = request.groupedTerms ?? [];
  const source = {
    kind: 'renewal',
    renewalTermId: request.renewalTermId,
    serviceId: request.serviceId,
    ...(grouped.length > 0 ? { groupedTerms: grouped.map(({ renewalTermId, serviceId }) => ({ renewalTermId, serviceId })) } : {}),
  } as const;
  const terms = [request, ...grouped];
  return {
    invoiceId: invoiceIdOf(source),
    customerId: request.customerId,
    source,
    category: request.category,
    subsidiary: request.subsidiary,
    currency: request.amount.currency,
    billedTo,
    lines: terms.map((term) => ({
      description: `${planName(term.planCode, term.termStartDate)} — renewal, ${periodWording[term.period] ?? term.period}`,
      planCode: term.planCode,
      serviceId: term.serviceId,
      periodStart: term.termStartDate,
      periodEnd: term.termEndDate,
      quantity: 1,
      unitPrice: asMoney(term.amount),
    })),
    settlement: { autoPay: request.autoPay },
    // a renewal is payable until the service expires: the (earliest) term's first day
    payableBy: terms.reduce((earliest, term) => (term.termStartDate < earliest ? term.termStartDate : earliest), request.termStartDate),
  };
}

/**
 * A plan change mid-term: one invoice with two lines over the same days, from the first day on
 * the new plan to the unchanged expiration — the unused days of the old plan credited (a negative
 * line) and the new plan charged — paid at once with the account's default payment method.
 * Subscription decided both amounts; a change published before it carried them gets the same
 * amounts from the kernel's proration of its prices and dates.
 */
export function planChangeInvoiceDraft(change: ServicePlanChanged, subsidiary: SubsidiaryCode, billedTo: BilledTo): InvoiceDraft {
  const { unusedOldPlanCredit, newPlanCharge } =
    change.unusedOldPlanCredit && change.newPlanCharge
      ? { unusedOldPlanCredit: asMoney(change.unusedOldPlanCredit), newPlanCharge: asMoney(change.newPlanCharge) }
      : prorateChangeOfPlan(
          asMoney(change.previousPrice),
          asMoney(change.price),
          { start: Temporal.PlainDate.from(change.termStartDate), end: Temporal.PlainDate.from(change.expirationDate) },
          Temporal.PlainDate.from(change.effectiveDate),
        );
  const source = { kind: 'upgrade', planChangeId: change.planChangeId, serviceId: change.serviceId } as const;
  const days = { serviceId: change.serviceId, periodStart: change.effectiveDate, periodEnd: change.expirationDate, quantity: 1 };
  return {
    invoiceId: invoiceIdOf(source),
    customerId: change.customerId,
    source,
    category: purchaseBillCategory(change.universe),
    subsidiary,
    currency: change.price.currency,
    billedTo,
    lines: [
      {
        description: `${planName(change.previousPlanCode, change.effectiveDate)} — unused days credited (${change.effectiveDate} to ${change.expirationDate})`,
        planCode: change.previousPlanCode,
        ...days,
        unitPrice: unusedOldPlanCredit,
      },
      {
        description: `${planName(change.planCode, change.effectiveDate)} — upgrade (${change.effectiveDate} to ${change.expirationDate})`,
        planCode: change.planCode,
        ...days,
        unitPrice: newPlanCharge,
      },
    ],
    settlement: { autoPay: true },
  };
}
