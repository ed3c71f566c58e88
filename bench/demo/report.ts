// The demo's report: what the platform did over the year, read from the services' own read
// stores once everything has settled (the same rows their APIs serve), and the forecasts taken
// along the way held against what was billed. Amounts are integer minor units, printed with
// their currency's exponent by the billing kernel.
import { findPlan, isCurrencyCode, money, shippedCatalog, toDecimalString } from '@billing/billing-kernel';
import type { PlatformUnderTest, PlatformServiceName } from '@billing/service-testing';
import { Client } from 'pg';

export interface ForecastTaken {
  takenAt: string;
  /** the first day of the window, and the last (30 days) */
  from: string;
  to: string;
  totals: { currency: string; automatic: { value: number }; manual: { value: number }; churn: { value: number }; services: Record<string, number> }[];
}

async function rows<T>(platform: PlatformUnderTest, service: PlatformServiceName, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: platform.databaseUrl(service) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export const amount = (value: number, currency: string): string => (isCurrencyCode(currency) ? toDecimalString(money(value, currency)) : String(value));

const universeOf = (planCode: string): string => shippedCatalog.versions.map((version) => findPlan(version, planCode)?.universe).find(Boolean) ?? '?';

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** `lastDate`: the clock's last day; a forecast whose window goes beyond it is left out. */
export async function gatherReport(platform: PlatformUnderTest, forecasts: ForecastTaken[], lastDate: string) {
  const orders = await rows<{ status: string; items: { planCode: string }[] }>(platform, 'order', `SELECT status, items FROM orders`);
  const byUniverse = new Map<string, Record<string, number>>();
  for (const order of orders) {
    const universe = universeOf(order.items[0]?.planCode ?? '');
    const counts = byUniverse.get(universe) ?? { placed: 0, delivered: 0, notPaid: 0, other: 0 };
    counts.placed++;
    if (order.status === 'delivered') counts.delivered++;
    else if (order.status === 'notPaid') counts.notPaid++;
    else counts.other++;
    byUniverse.set(universe, counts);
  }

  const bills = await rows<{ invoice_id: string; kind: string; subsidiary: string; currency: string; category: string; status: string; net: string; tax: string; gross: string; paid: string; failure: unknown; paid_on: string | null; issued: string }>(
    platform,
    'invoicing',
    `SELECT invoice_id, kind, subsidiary, currency, category, status, total_without_tax::text AS net, total_tax::text AS tax, total_with_tax::text AS gross,
            paid_amount::text AS paid, last_payment_failure AS failure, to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS issued, to_char(paid_at, 'YYYY-MM-DD') AS paid_on FROM bills`,
  );
  const revenue = new Map<string, { subsidiary: string; currency: string; invoices: number; creditNotes: number; net: number; tax: number; gross: number; paid: number; unpaid: number }>();
  for (const bill of bills) {
    const key = `${bill.subsidiary}/${bill.currency}`;
    const line = revenue.get(key) ?? { subsidiary: bill.subsidiary, currency: bill.currency, invoices: 0, creditNotes: 0, net: 0, tax: 0, gross: 0, paid: 0, unpaid: 0 };
    const sign = bill.kind === 'creditNote' ? -1 : 1;
    if (bill.kind === 'invoice') line.invoices++;
    else line.creditNotes++;
    line.net += sign * Number(bill.net);
    line.tax += sign * Number(bill.tax);
    line.gross += sign * Number(bill.gross);
    if (bill.kind === 'invoice') {
      line.paid += Number(bill.paid);
      if (bill.status === 'unpaid') line.unpaid += Number(bill.gross);
    }
    revenue.set(key, line);
  }
  const invoiceById = new Map(bills.filter((bill) => bill.kind === 'invoice').map((bill) => [bill.invoice_id, bill]));

  const terms = await rows<{ renewal_term_id: string; term_start: string; status: string; currency: string; renew_mode: string; legacy: boolean; invoice_id: string | null }>(
    platform,
    'renewal',
    `SELECT t.renewal_term_id, to_char(t.term_start, 'YYYY-MM-DD') AS term_start, t.status, t.currency, s.renew_mode, s.legacy, t.invoice_id
       FROM renewal_terms t JOIN renewal_services s ON s.service_id = t.service_id`,
  );
  // the terms that reached their expiration unpaid (the service `unpaid`), and 7 days after it (rupture)
  const passed = await rows<{ event_type: string; term: string }>(
    platform,
    'renewal',
    `SELECT DISTINCT event_type, data->>'renewalTermId' AS term FROM event_store.events WHERE event_type IN ('RenewalLapsed', 'RenewalPaymentDeadlinePassed')`,
  );
  const lapsed = new Set(passed.filter((row) => row.event_type === 'RenewalLapsed').map((row) => row.term));
  const ruptured = new Set(passed.filter((row) => row.event_type === 'RenewalPaymentDeadlinePassed').map((row) => row.term));
  const renewals = new Map<string, number>();
  const dunning = { paidOnRetry: 0, restoredAfterUnpaid: 0, restoredAfterRupture: 0, terminatedUnpaid: 0, stillInDunning: 0 };
  for (const term of terms) {
    const invoice = term.invoice_id ? invoiceById.get(term.invoice_id) : undefined;
    if (term.status === 'renewed') increment(renewals, term.renew_mode === 'automatic' ? 'automatic' : 'manual');
    else increment(renewals, `not renewed: ${term.status}`);
    if (term.renew_mode !== 'automatic' || !invoice?.failure) continue;
    if (term.status === 'renewed') {
      if (ruptured.has(term.renewal_term_id)) dunning.restoredAfterRupture++;
      else if (lapsed.has(term.renewal_term_id)) dunning.restoredAfterUnpaid++;
      else dunning.paidOnRetry++;
    } else if (term.status === 'terminated') dunning.terminatedUnpaid++;
    else if (['invoiceRequested', 'lapsed', 'suspended'].includes(term.status)) dunning.stillInDunning++;
  }

  const services = await rows<{ status: string; end_reason: string | null; n: number }>(platform, 'subscription', `SELECT status, end_reason, count(*)::int AS n FROM services GROUP BY 1, 2 ORDER BY 3 DESC`);

  const forecastVsActual = forecasts.filter((forecast) => forecast.to <= lastDate).flatMap((forecast) => {
    const actual = new Map<string, { services: number; net: number }>();
    for (const term of terms) {
      if (term.term_start < forecast.from || term.term_start > forecast.to || term.renew_mode !== 'automatic' || term.legacy || term.status !== 'renewed') continue;
      const invoice = term.invoice_id ? invoiceById.get(term.invoice_id) : undefined;
      // what was already billed when the forecast was taken is not in it
      if (!invoice || invoice.issued < forecast.takenAt) continue;
      const line = actual.get(term.currency) ?? { services: 0, net: 0 };
      line.services++;
      line.net += Number(invoice?.net ?? 0);
      actual.set(term.currency, line);
    }
    const currencies = [...new Set([...forecast.totals.map((total) => total.currency), ...actual.keys()])].sort();
    const rows = currencies.map((currency) => {
      const expected = forecast.totals.find((total) => total.currency === currency);
      return {
        window: `${forecast.from.slice(5)} → ${forecast.to.slice(5)}`,
        currency,
        forecastServices: expected?.services.automatic ?? 0,
        forecastNet: expected?.automatic.value ?? 0,
        actualServices: actual.get(currency)?.services ?? 0,
        actualNet: actual.get(currency)?.net ?? 0,
      };
    });
    return rows.filter((row) => row.forecastServices + row.actualServices > 0);
  });

  return {
    orders: Object.fromEntries([...byUniverse].sort()),
    revenue: [...revenue.values()].sort((a, b) => a.subsidiary.localeCompare(b.subsidiary) || a.currency.localeCompare(b.currency)),
    renewals: Object.fromEntries(renewals),
    dunning,
    services: services.map((row) => ({ status: row.status, endReason: row.end_reason, count: row.n })),
    forecastVsActual,
  };
}

export type DemoReport = Awaited<ReturnType<typeof gatherReport>>;

function table(header: string[], body: (string | number)[][], rightFrom = 1): string {
  const cells = [header, ...body.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) => `  ${row.map((cell, column) => (column < rightFrom ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`;
  return [line(header), `  ${widths.map((width) => '-'.repeat(width)).join('  ')}`, ...cells.slice(1).map(line)].join('\n');
}

export function renderReport(
  report: DemoReport,
  context: { customers: number; behaviours: Record<string, number>; from: string; to: string; seconds: number; timings: Record<string, number>; warnings: string[] },
): string {
  const out: string[] = [];
  const section = (title: string) => out.push('', title, '='.repeat(title.length));
  out.push(`Billing platform demo: ${context.customers} customers, ${context.from} → ${context.to}, ran in ${Math.round(context.seconds)} s`);
  out.push(`clock steps: ${Object.entries(context.timings).map(([what, ms]) => `${what} ${Math.round(ms / 1_000)} s`).join(', ')}`);
  out.push(`customers by behaviour: ${Object.entries(context.behaviours).map(([name, n]) => `${name} ${n}`).join(', ')}`);

  section('Orders per universe');
  out.push(table(['universe', 'placed', 'delivered', 'not paid', 'other'], Object.entries(report.orders).map(([universe, c]) => [universe, c.placed, c.delivered, c.notPaid, c.other])));

  section('Invoices and revenue per subsidiary and currency (credit notes deducted)');
  out.push(
    table(
      ['subsidiary', 'currency', 'invoices', 'credit notes', 'tax excluded', 'tax', 'tax included', 'paid', 'unpaid'],
      report.revenue.map((r) => [r.subsidiary, r.currency, r.invoices, r.creditNotes, amount(r.net, r.currency), amount(r.tax, r.currency), amount(r.gross, r.currency), amount(r.paid, r.currency), amount(r.unpaid, r.currency)]),
      2,
    ),
  );

  section('Renewal terms');
  out.push(table(['outcome', 'terms'], Object.entries(report.renewals).sort((a, b) => b[1] - a[1])));

  section('Dunning (automatic renewals whose payment failed)');
  out.push(
    table(
      ['outcome', 'terms'],
      [
        ['paid on a retry, before the expiration', report.dunning.paidOnRetry],
        ['paid late, service restored from unpaid', report.dunning.restoredAfterUnpaid],
        ['paid late, service restored from rupture (suspended)', report.dunning.restoredAfterRupture],
        ['terminated unpaid', report.dunning.terminatedUnpaid],
        ['still in dunning at the end', report.dunning.stillInDunning],
      ],
    ),
  );

  section('Services at the end, and why they ended');
  out.push(table(['status', 'end reason', 'services'], report.services.map((s) => [s.status, s.endReason ?? '', s.count]), 2));

  section('Forecast (next 30 days, automatic part) against what was billed in the window');
  out.push(
    table(
      ['window', 'currency', 'forecast n', 'forecast', 'billed n', 'billed', 'billed/forecast'],
      report.forecastVsActual.map((row) => [
        row.window,
        row.currency,
        row.forecastServices,
        amount(row.forecastNet, row.currency),
        row.actualServices,
        amount(row.actualNet, row.currency),
        row.forecastNet === 0 ? '-' : `${((row.actualNet / row.forecastNet) * 100).toFixed(1)} %`,
      ]),
      2,
    ),
  );
  out.push('  (billed: renewal invoices, tax excluded, issued after the forecast, of the automatic terms');
  out.push('   that began in the window; the gap is what failed cards, terminations and upgrades changed)');
  if (context.warnings.length > 0) {
    section('Warnings');
    out.push(...context.warnings.map((warning) => `  ${warning}`));
  }
  return `${out.join('\n')}\n`;
}
