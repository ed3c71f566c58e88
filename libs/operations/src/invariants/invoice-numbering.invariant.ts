// Invoice numbers are continuous per series: the numbers of the invoices and credit notes in the
// invoicing store run 1, 2, 3… in each series with no gap and no duplicate, up to the series'
// last number handed out.
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

const numbered = `
  SELECT data->>'series' AS series, (data->>'sequence')::int AS sequence, coalesce(data->>'creditNoteId', data->>'invoiceId') AS document_id, data->>'number' AS number
    FROM event_store.events
   WHERE event_type IN ('InvoiceIssued', 'CreditNoteIssued')`;

const duplicatesSql = `
  WITH documents AS (${numbered})
  SELECT series, sequence, string_agg(DISTINCT number || ' (' || document_id || ')', ', ') AS documents
    FROM documents GROUP BY series, sequence HAVING count(DISTINCT document_id) > 1
   ORDER BY series, sequence LIMIT 100`;

// the missing stretches: between two numbers in use, and between the last in use and the series' counter
const gapsSql = `
  WITH documents AS (${numbered}),
  used AS (SELECT DISTINCT series, sequence FROM documents),
  stepped AS (SELECT series, sequence, lag(sequence, 1, 0) OVER (PARTITION BY series ORDER BY sequence) AS previous FROM used),
  counters AS (
    SELECT coalesce(s.series, u.series) AS series, coalesce(max(u.sequence), 0) AS last_used, max(s.last_number) AS last_number
      FROM used u FULL JOIN invoice_series s ON s.series = u.series
     GROUP BY 1
  )
  SELECT series, previous + 1 AS gap_from, sequence - 1 AS gap_to, 'between numbers in use' AS why FROM stepped WHERE sequence > previous + 1
  UNION ALL
  SELECT series, last_used + 1, last_number, 'handed out by the series counter, no document' FROM counters WHERE last_number > last_used
  ORDER BY 1, 2 LIMIT 100`;

const countsSql = `WITH documents AS (${numbered}) SELECT count(DISTINCT series)::int AS series, count(*)::int AS documents FROM documents`;

export const invoiceNumbersContinuous: Invariant = {
  name: 'invoice-numbers-continuous',
  description: 'invoice and credit-note numbers are continuous per series: no gap, no duplicate',
  async check({ databases }) {
    const [duplicates, gaps, [counts]] = await Promise.all([
      databases.query<{ series: string; sequence: number; documents: string }>('invoicing', duplicatesSql),
      databases.query<{ series: string; gap_from: number; gap_to: number; why: string }>('invoicing', gapsSql),
      databases.query<{ series: number; documents: number }>('invoicing', countsSql),
    ]);
    const violations: InvariantViolation[] = [
      ...duplicates.map((duplicate) => ({ id: `series ${duplicate.series} #${duplicate.sequence}`, detail: `number used twice: ${duplicate.documents}` })),
      ...gaps.map((gap) => ({
        id: `series ${gap.series} #${gap.gap_from}${gap.gap_to > gap.gap_from ? `-${gap.gap_to}` : ''}`,
        detail: `missing number(s), ${gap.why}`,
      })),
    ];
    return { checked: counts.documents, violations: limited(violations), notes: [`${counts.series} series`] };
  },
};
