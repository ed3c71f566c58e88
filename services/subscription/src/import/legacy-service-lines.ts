// Reads the legacy export one line at a time, as JSON lines or CSV (with a header row): each line
// becomes a legacy service to import or the reason it is rejected. Pure: the import decides what
// to do with them.
import { isSubsidiaryCode, periods, subsidiary, termEnd, type Catalog, type Money, type Period, type SubsidiaryCode, type Universe } from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { planOn } from '../catalog/plan-offers';
import { monthsBetween } from '../domain/service';

export type LegacyExportFormat = 'csv' | 'jsonl';

/** A legacy service ready to import: checked against the catalog and the calendar. */
export type LegacyService = Readonly<{
  legacyServiceId: string;
  customerId: string;
  subsidiary: SubsidiaryCode;
  universe: Universe;
  planCode: string;
  period: Period;
  price: Money;
  anchorDate: string;
  expirationDate: string;
  /** still under its legacy contract: renews manually until the customer accepts the new one */
  legacyContract: boolean;
}>;

export type LineReading = Readonly<{ service: LegacyService }> | Readonly<{ rejection: string }>;

const minorUnits = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value),
  z.int('expected an integer number of minor units').nonnegative(),
);

const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value;
}, z.boolean('expected true or false'));

const legacyLineSchema = z.object({
  legacyServiceId: z.string().trim().min(1).max(200),
  customerId: z.string().trim().min(1).max(128),
  subsidiary: z.string().trim().min(1),
  planCode: z.string().trim().min(1).max(128),
  period: z.enum(periods),
  price: z.union([minorUnits, z.object({ currency: z.string(), value: minorUnits })]),
  currency: z.string().trim().optional(),
  expirationDate: z.iso.date(),
  anchorDate: z.iso.date().optional(),
  legacyContract: flag,
});

export const legacyExportColumns = Object.keys(legacyLineSchema.shape);

/** One CSV record (RFC 4180 quoting, no line breaks inside a field: the export has none). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** The record of a CSV line under its header; empty cells are absent values. */
export function csvRecord(header: readonly string[], line: string): Record<string, string> {
  const fields = csvFields(line);
  const record: Record<string, string> = {};
  header.forEach((column, index) => {
    const value = fields[index]?.trim();
    if (value) record[column] = value;
  });
  return record;
}

/** Checks one legacy record against the contract of the export, the catalog and the calendar. */
export function readLegacyRecord(record: unknown, catalog: Catalog): LineReading {
  const parsed = legacyLineSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { rejection: `VALIDATION_FAILED: ${issue.path.join('.') || '(line)'}: ${issue.message}` };
  }
  const line = parsed.data;
  if (!isSubsidiaryCode(line.subsidiary)) return { rejection: `UNKNOWN_SUBSIDIARY: ${line.subsidiary}` };
  const seller = subsidiary(line.subsidiary);
  const currency = typeof line.price === 'number' ? (line.currency ?? seller.currency) : line.price.currency;
  if (currency !== seller.currency) return { rejection: `CURRENCY_MISMATCH: ${line.subsidiary} bills in ${seller.currency}, not ${currency}` };
  const plan = planOn(catalog, line.planCode, line.expirationDate);
  if (!plan) return { rejection: `UNKNOWN_PLAN: ${line.planCode}` };
  if (!plan.allowedPeriods.includes(line.period)) return { rejection: `PERIOD_NOT_ALLOWED: plan ${line.planCode} does not allow ${line.period}` };

  // a legacy service's anchor is its expiration date unless the export gives the original one,
  // which must lead to the expiration by whole months (Jan 31 → … → Apr 30)
  const anchorDate = line.anchorDate ?? line.expirationDate;
  const months = monthsBetween(anchorDate, line.expirationDate);
  if (months < 0 || termEnd(Temporal.PlainDate.from(anchorDate), 'P1M', months).toString() !== line.expirationDate) {
    return { rejection: `ANCHOR_MISMATCH: ${line.expirationDate} is not a term end of a service anchored on ${anchorDate}` };
  }
  return {
    service: {
      legacyServiceId: line.legacyServiceId,
      customerId: line.customerId,
      subsidiary: line.subsidiary,
      universe: plan.universe,
      planCode: line.planCode,
      period: line.period,
      price: { currency: seller.currency, value: typeof line.price === 'number' ? line.price : line.price.value },
      anchorDate,
      expirationDate: line.expirationDate,
      legacyContract: line.legacyContract,
    },
  };
}

/** Reads a JSON line; a line that is not JSON is rejected with its own reason. */
export function readJsonLine(line: string, catalog: Catalog): LineReading {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { rejection: 'MALFORMED_LINE: not a JSON object' };
  }
  return readLegacyRecord(record, catalog);
}
