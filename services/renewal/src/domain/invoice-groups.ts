// Which renewal terms share an invoice: a customer's automatic renewals billed the same day are
// grouped and charged once (the renew day's purpose, DOMAIN.md). Pure: the scheduler gives it the
// invoice requests a claim is about to make, and writes what it says into each request.
import type { RenewalInvoiceRequested } from '@billing/contracts';

/** What a term's request says of its group: the terms it bills besides itself, or the term that bills it. */
export type InvoiceGrouping =
  | Readonly<{ groupedTerms: NonNullable<RenewalInvoiceRequested['groupedTerms']> }>
  | Readonly<{ invoicedWith: string }>;

/**
 * Terms on one invoice at most: a customer with thousands of services due the same day gets
 * several invoices rather than one event of megabytes.
 */
export const MAX_TERMS_PER_INVOICE = 100;

/** Requests that may share an invoice: the same customer, seller, currency and day, charged automatically. */
function groupKeyOf(request: RenewalInvoiceRequested): string | undefined {
  if (!request.autoPay || request.category !== 'autorenew') return undefined;
  return [request.customerId, request.subsidiary, request.amount.currency, request.billingDate].join('\u0000');
}

/**
 * The grouping of each request that shares its invoice (a request alone is absent): its group's
 * terms in id order, cut into invoices of at most `maxTerms`; the first term of each invoice lists
 * the others, which name it. The same requests always give the same groups.
 */
export function invoiceGroupsOf(requests: readonly RenewalInvoiceRequested[], maxTerms = MAX_TERMS_PER_INVOICE): Map<string, InvoiceGrouping> {
  const byKey = new Map<string, RenewalInvoiceRequested[]>();
  for (const request of requests) {
    const key = groupKeyOf(request);
    if (key === undefined) continue;
    const group = byKey.get(key);
    if (group) group.push(request);
    else byKey.set(key, [request]);
  }
  const groupings = new Map<string, InvoiceGrouping>();
  for (const group of byKey.values()) {
    const terms = [...new Map(group.map((request) => [request.renewalTermId.toLowerCase(), request])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (let start = 0; start < terms.length; start += maxTerms) {
      const invoice = terms.slice(start, start + maxTerms);
      if (invoice.length < 2) continue;
      const [[, first], ...others] = invoice;
      groupings.set(first.renewalTermId, {
        groupedTerms: others.map(([, { renewalTermId, serviceId, universe, planCode, period, amount, termStartDate, termEndDate }]) => ({
          renewalTermId,
          serviceId,
          universe,
          planCode,
          period,
          amount,
          termStartDate,
          termEndDate,
        })),
      });
      for (const [, other] of others) groupings.set(other.renewalTermId, { invoicedWith: first.renewalTermId });
    }
  }
  return groupings;
}
