// Each debt account equals the sum of its unpaid invoices: what the customer's debt account shows
// (computed from the bills read model: unpaid invoices less their credit notes) against the same
// sum over the invoice streams of the invoicing store, per customer and currency.
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

// the truth: an invoice owes its total less its credit notes until a payment succeeds
const owedByStoreSql = `
  WITH invoices AS (
    SELECT stream_id,
           max(data->>'customerId') FILTER (WHERE event_type = 'InvoiceIssued') AS customer_id,
           max(data->>'currency') FILTER (WHERE event_type = 'InvoiceIssued') AS currency,
           sum((data->'totals'->'withTax'->>'value')::bigint) FILTER (WHERE event_type = 'InvoiceIssued') AS total,
           coalesce(sum((data->'totals'->'withTax'->>'value')::bigint) FILTER (WHERE event_type = 'CreditNoteIssued'), 0) AS credited,
           bool_or(event_type = 'PaymentSucceeded') AS paid,
           max(created_at) AS last_change
      FROM event_store.events
     WHERE stream_id LIKE 'invoice-%'
     GROUP BY stream_id
  )
  SELECT customer_id, currency, sum(greatest(total - credited, 0) * (NOT paid)::int)::text AS owed,
         bool_and(last_change < now() - make_interval(secs => $1)) AS settled
    FROM invoices WHERE customer_id IS NOT NULL
   GROUP BY customer_id, currency`;

// what DebtAccountQuery adds up for the customer (due, pending and not yet due together)
const owedByDebtAccountSql = `
  SELECT customer_id, currency, sum(greatest(total_with_tax - credited_amount, 0))::text AS owed
    FROM bills WHERE kind = 'invoice' AND status = 'unpaid'
   GROUP BY customer_id, currency`;

export const debtAccountsMatchUnpaidInvoices: Invariant = {
  name: 'debt-accounts-match-unpaid-invoices',
  description: "each customer's debt account equals the sum of its unpaid invoices",
  async check({ databases, graceSeconds }) {
    const [stored, shown] = await Promise.all([
      databases.query<{ customer_id: string; currency: string; owed: string; settled: boolean }>('invoicing', owedByStoreSql, [graceSeconds]),
      databases.query<{ customer_id: string; currency: string; owed: string }>('invoicing', owedByDebtAccountSql),
    ]);
    const shownOwed = new Map(shown.map((row) => [`${row.customer_id} ${row.currency}`, BigInt(row.owed)]));
    const violations: InvariantViolation[] = [];
    let checked = 0;
    for (const account of stored) {
      const key = `${account.customer_id} ${account.currency}`;
      const debt = shownOwed.get(key) ?? 0n;
      shownOwed.delete(key);
      if (!account.settled) continue;
      checked++;
      if (debt !== BigInt(account.owed)) {
        violations.push({ id: `customer ${account.customer_id} (${account.currency})`, detail: `debt account ${debt}, unpaid invoices ${account.owed} (minor units)` });
      }
    }
    // a debt for invoices the store does not know
    for (const [key, debt] of shownOwed) {
      if (debt !== 0n) violations.push({ id: `customer ${key.replace(' ', ' (')})`, detail: `debt account ${debt}, no unpaid invoice in the store` });
    }
    return { checked, violations: limited(violations) };
  },
};
