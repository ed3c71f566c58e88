// The renewal forecast: for the terms expiring in the next 30/60/90 days (each subsidiary's own
// calendar) and not renewed yet, the expected revenue per subsidiary, universe and currency,
// split by what will happen: `automatic` (charged on its own: expected), `manual` (the customer
// must pay: uncertain), `churn` (deleteAtExpiration or a pending termination: lost). Amounts are
// the terms' renewal prices (requested, or expected from the catalog), in integer minor units.
import { Inject, Injectable } from '@nestjs/common';
import { allSubsidiaries } from '@billing/billing-kernel';
import { CLOCK, type Clock } from '@billing/platform';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { subsidiaryToday } from '../../schedule/term-schedule';

export type ForecastBucket = 'automatic' | 'manual' | 'churn';
export const forecastWindows = [30, 60, 90] as const;
export type ForecastWindow = (typeof forecastWindows)[number];

type Money = { currency: string; value: number };

export type ForecastLine = {
  subsidiary: string;
  universe: string;
  currency: string;
  /** the first and last expiration dates counted, in the subsidiary's calendar */
  from: string;
  to: string;
  automatic: Money;
  manual: Money;
  churn: Money;
  services: Record<ForecastBucket, number>;
};

export type RenewalForecast = {
  window: ForecastWindow;
  asOf: string;
  lines: ForecastLine[];
  totals: { currency: string; automatic: Money; manual: Money; churn: Money; services: Record<ForecastBucket, number> }[];
};

@Injectable()
export class RenewalForecastQuery {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async forecast(window: ForecastWindow): Promise<RenewalForecast> {
    const now = this.clock.now();
    const windows = allSubsidiaries().map(({ code }) => {
      const from = Temporal.PlainDate.from(subsidiaryToday(now, code));
      return { subsidiary: code, from: from.toString(), to: from.add({ days: window - 1 }).toString() };
    });
    const rows: { subsidiary: string; universe: string; currency: string; bucket: ForecastBucket; amount: string; services: number }[] = await this.dataSource.query(
      `SELECT t.subsidiary, s.universe, t.currency,
              CASE WHEN s.state = 'terminated' OR s.renew_mode = 'deleteAtExpiration'
                        OR (s.termination_date IS NOT NULL AND s.termination_date <= t.term_start) THEN 'churn'
                   WHEN s.renew_mode = 'automatic' AND NOT s.legacy THEN 'automatic'
                   ELSE 'manual' END AS bucket,
              sum(coalesce(t.requested_amount, t.expected_amount))::text AS amount,
              count(*)::int AS services
         FROM jsonb_to_recordset($1::jsonb) AS w(subsidiary text, "from" date, "to" date)
         JOIN renewal_terms t ON t.subsidiary = w.subsidiary
                             AND t.status IN ('scheduled', 'reminded', 'invoiceRequested')
                             AND t.term_start BETWEEN w."from" AND w."to"
         JOIN renewal_services s ON s.service_id = t.service_id
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3`,
      [JSON.stringify(windows)],
    );

    const lines = new Map<string, ForecastLine>();
    const totals = new Map<string, RenewalForecast['totals'][number]>();
    const zero = (currency: string) => ({ currency, value: 0 });
    for (const row of rows) {
      const key = `${row.subsidiary}/${row.universe}/${row.currency}`;
      const range = windows.find((candidate) => candidate.subsidiary === row.subsidiary);
      const line = lines.get(key) ?? {
        subsidiary: row.subsidiary,
        universe: row.universe,
        currency: row.currency,
        from: range?.from ?? '',
        to: range?.to ?? '',
        automatic: zero(row.currency),
        manual: zero(row.currency),
        churn: zero(row.currency),
        services: { automatic: 0, manual: 0, churn: 0 },
      };
      const total = totals.get(row.currency) ?? { currency: row.currency, automatic: zero(row.currency), manual: zero(row.currency), churn: zero(row.currency), services: { automatic: 0, manual: 0, churn: 0 } };
      // sums of bigint minor units: exact as long as they stay below 2^53 (90 quadrillion cents)
      const amount = Number(row.amount);
      line[row.bucket].value += amount;
      line.services[row.bucket] += row.services;
      total[row.bucket].value += amount;
      total.services[row.bucket] += row.services;
      lines.set(key, line);
      totals.set(row.currency, total);
    }
    return { window, asOf: now.toString(), lines: [...lines.values()], totals: [...totals.values()] };
  }
}
