// A period's invoices and credit notes as CSV lines, for accounting: read from the bills read
// model page by page (keyset on issue date and number), so an export of any size streams in
// constant memory.
import { Injectable } from '@nestjs/common';
import { allSubsidiaries, toDecimalString, type CurrencyCode } from '@billing/billing-kernel';
import { DataSource } from 'typeorm';

export interface InvoiceExportPeriod {
  /** YYYY-MM-DD, issue dates in the subsidiary's calendar, both ends included */
  from: string;
  to: string;
  subsidiary?: string;
}

interface ExportRow {
  kind: 'invoice' | 'creditNote';
  number: string;
  series: string;
  sequence: number;
  subsidiary: string;
  issue_date: string;
  due_date: string | null;
  customer_id: string;
  customer_name: string | null;
  invoice_number: string | null;
  category: string;
  currency: string;
  total_without_tax: string;
  total_tax: string;
  total_with_tax: string;
  status: string;
}

export const invoiceExportColumns = [
  'kind',
  'number',
  'series',
  'sequence',
  'subsidiary',
  'issueDate',
  'dueDate',
  'customerId',
  'customerName',
  'creditedInvoice',
  'category',
  'currency',
  'netMinor',
  'taxMinor',
  'totalMinor',
  'net',
  'tax',
  'total',
  'status',
] as const;

const PAGE = 1_000;

// the issue date in the subsidiary's calendar (what the document prints), not issued_at's UTC date
const pageSql = `
  WITH calendars (subsidiary, time_zone) AS (SELECT * FROM unnest($6::text[], $7::text[])),
  dated AS (
    SELECT b.*, to_char(b.issued_at AT TIME ZONE coalesce(c.time_zone, 'UTC'), 'YYYY-MM-DD') AS issue_date
      FROM bills b LEFT JOIN calendars c USING (subsidiary)
     WHERE b.issued_at >= $1::text::date - interval '1 day' AND b.issued_at < $2::text::date + interval '2 days'
       AND ($3::text IS NULL OR b.subsidiary = $3)
  )
  SELECT d.kind, d.number, d.series, d.sequence, d.subsidiary, d.issue_date, d.due_date::text AS due_date,
         d.customer_id, coalesce(d.document->'billedTo'->>'name', i.document->'billedTo'->>'name') AS customer_name,
         CASE WHEN d.kind = 'creditNote' THEN i.number END AS invoice_number,
         d.category, d.currency, d.total_without_tax, d.total_tax, d.total_with_tax, d.status
    FROM dated d LEFT JOIN bills i ON i.bill_id = d.invoice_id
   WHERE d.issue_date BETWEEN $1::text AND $2::text AND (d.issue_date, d.number) > ($4::text, $5::text)
   ORDER BY d.issue_date, d.number
   LIMIT ${PAGE}`;

const timeZones = [allSubsidiaries().map((subsidiary) => subsidiary.code), allSubsidiaries().map((subsidiary) => subsidiary.timeZone)];

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(row: ExportRow): string {
  const decimal = (minor: string) => toDecimalString({ currency: row.currency as CurrencyCode, value: Number(minor) });
  return [
    row.kind,
    row.number,
    row.series,
    row.sequence,
    row.subsidiary,
    row.issue_date,
    row.due_date,
    row.customer_id,
    row.customer_name,
    row.invoice_number,
    row.category,
    row.currency,
    row.total_without_tax,
    row.total_tax,
    row.total_with_tax,
    decimal(row.total_without_tax),
    decimal(row.total_tax),
    decimal(row.total_with_tax),
    row.status,
  ]
    .map(csvField)
    .join(',');
}

@Injectable()
export class InvoiceExportQuery {
  constructor(private readonly dataSource: DataSource) {}

  /** The header line, then one line per invoice or credit note, by issue date and number. */
  async *csvLines(period: InvoiceExportPeriod): AsyncGenerator<string> {
    yield `${invoiceExportColumns.join(',')}\r\n`;
    let after: [string, string] = ['', ''];
    for (;;) {
      const rows: ExportRow[] = await this.dataSource.query(pageSql, [period.from, period.to, period.subsidiary ?? null, ...after, ...timeZones]);
      if (rows.length > 0) yield rows.map((row) => `${csvLine(row)}\r\n`).join('');
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1];
      after = [last.issue_date, last.number];
    }
  }
}
