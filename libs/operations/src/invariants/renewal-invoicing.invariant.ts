// Every due automatic renewal term is billed on exactly one issued invoice (its own, or the one it
// is grouped on), and no term on two: the renewal store's invoice requests and schedule against
// the invoices the invoicing store issued.
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

const requestedSql = `
  SELECT data->>'renewalTermId' AS renewal_term_id, min(data->>'serviceId') AS service_id
    FROM event_store.events
   WHERE event_type = 'RenewalInvoiceRequested' AND created_at < now() - make_interval(secs => $1)
   GROUP BY 1`;

// automatic terms whose invoice day has come and that still wait for their request
const overdueSql = `
  SELECT t.renewal_term_id, t.service_id, t.invoice_on::text AS invoice_on
    FROM renewal_terms t JOIN renewal_services s USING (service_id)
   WHERE s.renew_mode = 'automatic' AND t.status IN ('scheduled', 'reminded')
     AND t.invoice_on <= ($1::timestamptz AT TIME ZONE 'UTC')::date
     AND t.next_due_at < $1::timestamptz - make_interval(secs => $2)`;

// each term an invoice bills: its source's term and the terms grouped with it
const issuedSql = `
  SELECT billed.renewal_term_id, array_agg(DISTINCT e.data->>'number') AS numbers
    FROM event_store.events e
   CROSS JOIN LATERAL (
         SELECT e.data->'source'->>'renewalTermId' AS renewal_term_id
          UNION ALL
         SELECT grouped->>'renewalTermId' FROM jsonb_array_elements(coalesce(e.data->'source'->'groupedTerms', '[]'::jsonb)) AS grouped) AS billed
   WHERE e.event_type = 'InvoiceIssued' AND e.data->'source'->>'kind' = 'renewal'
   GROUP BY 1`;

export const renewalsInvoicedOnce: Invariant = {
  name: 'renewals-invoiced-once',
  description: 'every due automatic renewal term has exactly one issued invoice, and no term has two',
  async check({ databases, graceSeconds, now }) {
    const [requested, overdue, issued] = await Promise.all([
      databases.query<{ renewal_term_id: string; service_id: string }>('renewal', requestedSql, [graceSeconds]),
      databases.query<{ renewal_term_id: string; service_id: string; invoice_on: string }>('renewal', overdueSql, [now.toISOString(), graceSeconds]),
      databases.query<{ renewal_term_id: string; numbers: string[] }>('invoicing', issuedSql),
    ]);
    const invoicesOf = new Map(issued.map((row) => [row.renewal_term_id, row.numbers]));
    const violations: InvariantViolation[] = [];
    for (const term of requested) {
      const numbers = invoicesOf.get(term.renewal_term_id) ?? [];
      if (numbers.length === 0) violations.push({ id: `renewal term ${term.renewal_term_id}`, detail: `invoice requested for service ${term.service_id}, none issued` });
    }
    for (const [term, numbers] of invoicesOf) {
      if (numbers.length > 1) violations.push({ id: `renewal term ${term}`, detail: `${numbers.length} invoices issued: ${numbers.join(', ')}` });
    }
    for (const term of overdue) {
      violations.push({ id: `renewal term ${term.renewal_term_id}`, detail: `automatic renewal of service ${term.service_id} due since ${term.invoice_on}, no invoice requested` });
    }
    return { checked: new Set([...requested.map((term) => term.renewal_term_id), ...invoicesOf.keys()]).size + overdue.length, violations: limited(violations) };
  },
};
