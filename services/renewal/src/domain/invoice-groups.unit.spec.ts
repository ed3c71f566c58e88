import type { RenewalInvoiceRequested } from '@billing/contracts';
import fc from 'fast-check';
import { invoiceGroupsOf, type InvoiceGrouping } from './invoice-groups';

const hex = (n: number) => n.toString(16).padStart(12, '0');
const termId = (n: number) => `00000000-0000-4000-8000-${hex(n)}`;

function request(n: number, overrides: Partial<RenewalInvoiceRequested> = {}): RenewalInvoiceRequested {
  return {
    renewalTermId: termId(n),
    serviceId: `10000000-0000-4000-8000-${hex(n)}`,
    customerId: 'cust-camille',
    subsidiary: 'FR',
    universe: 'web',
    category: 'autorenew',
    planCode: 'web-hosting-pro',
    period: 'P1M',
    amount: { currency: 'EUR', value: 100 * n },
    termStartDate: '2027-05-19',
    termEndDate: '2027-06-19',
    billingDate: '2027-05-12',
    autoPay: true,
    requestedAt: '2027-05-12T06:00:00.000Z',
    ...overrides,
  };
}

describe('invoice groups', () => {
  it("given a customer's three automatic terms of one day, the first term's invoice bills the other two, which name it", () => {
    const groups = invoiceGroupsOf([request(3), request(1), request(2, { termStartDate: '2027-05-25', termEndDate: '2027-06-25' })]);
    expect(groups.get(termId(1))).toEqual({
      groupedTerms: [
        { renewalTermId: termId(2), serviceId: request(2).serviceId, universe: 'web', planCode: 'web-hosting-pro', period: 'P1M', amount: { currency: 'EUR', value: 200 }, termStartDate: '2027-05-25', termEndDate: '2027-06-25' },
        { renewalTermId: termId(3), serviceId: request(3).serviceId, universe: 'web', planCode: 'web-hosting-pro', period: 'P1M', amount: { currency: 'EUR', value: 300 }, termStartDate: '2027-05-19', termEndDate: '2027-06-19' },
      ],
    });
    expect(groups.get(termId(2))).toEqual({ invoicedWith: termId(1) });
    expect(groups.get(termId(3))).toEqual({ invoicedWith: termId(1) });
  });

  it('keeps apart what must not share an invoice: other customers, days, sellers, currencies, manual renewals, early renewals', () => {
    const groups = invoiceGroupsOf([
      request(1),
      request(2, { customerId: 'cust-dominique' }),
      request(3, { billingDate: '2027-05-13' }),
      request(4, { subsidiary: 'ES' }),
      request(5, { amount: { currency: 'GBP', value: 500 } }),
      request(6, { autoPay: false }),
      request(7, { category: 'earlyrenewal' }),
    ]);
    expect(groups.size).toBe(0);
  });

  it('cuts a large group into invoices of at most the maximum, each led by its first term', () => {
    const groups = invoiceGroupsOf([1, 2, 3, 4, 5].map((n) => request(n)), 2);
    expect(groups.get(termId(1))).toMatchObject({ groupedTerms: [{ renewalTermId: termId(2) }] });
    expect(groups.get(termId(2))).toEqual({ invoicedWith: termId(1) });
    expect(groups.get(termId(3))).toMatchObject({ groupedTerms: [{ renewalTermId: termId(4) }] });
    expect(groups.get(termId(4))).toEqual({ invoicedWith: termId(3) });
    // the last one alone: its own invoice, as without grouping
    expect(groups.has(termId(5))).toBe(false);
  });

  it('bills every automatic term exactly once, whatever the requests and their order', () => {
    const requests = fc.uniqueArray(
      fc.record({ n: fc.integer({ min: 1, max: 400 }), customer: fc.constantFrom('a', 'b', 'c'), day: fc.constantFrom('2027-05-12', '2027-05-13'), autoPay: fc.boolean() }),
      { selector: ({ n }) => n, maxLength: 60 },
    );
    fc.assert(
      fc.property(requests, fc.integer({ min: 2, max: 8 }), (drawn, maxTerms) => {
        const asked = drawn.map(({ n, customer, day, autoPay }) => request(n, { customerId: customer, billingDate: day, autoPay }));
        const groups = invoiceGroupsOf(asked, maxTerms);
        const reversed = invoiceGroupsOf([...asked].reverse(), maxTerms);
        expect(reversed).toEqual(groups);
        const byId = new Map(asked.map((r) => [r.renewalTermId, r]));
        const billedBy = new Map<string, string>();
        for (const r of asked) {
          const grouping: InvoiceGrouping | undefined = groups.get(r.renewalTermId);
          if (!grouping) billedBy.set(r.renewalTermId, r.renewalTermId);
          else if ('groupedTerms' in grouping) {
            expect(grouping.groupedTerms.length + 1).toBeLessThanOrEqual(maxTerms);
            billedBy.set(r.renewalTermId, r.renewalTermId);
            for (const term of grouping.groupedTerms) {
              const other = byId.get(term.renewalTermId) as RenewalInvoiceRequested;
              expect([other.customerId, other.billingDate, other.autoPay]).toEqual([r.customerId, r.billingDate, true]);
              expect(groups.get(term.renewalTermId)).toEqual({ invoicedWith: r.renewalTermId });
              expect(billedBy.has(term.renewalTermId) && billedBy.get(term.renewalTermId) !== r.renewalTermId).toBe(false);
              billedBy.set(term.renewalTermId, r.renewalTermId);
            }
          }
        }
        // every term is billed, each by one invoice; a manual one always alone
        expect(new Set(billedBy.keys())).toEqual(new Set(byId.keys()));
        for (const r of asked) if (!r.autoPay) expect(groups.has(r.renewalTermId)).toBe(false);
      }),
    );
  });
});
