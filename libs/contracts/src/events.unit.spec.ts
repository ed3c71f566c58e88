// Every event schema accepts its realistic example and rejects what a buggy producer could send:
// a missing field, a float or negative amount, an impossible date, a malformed currency, an
// amount in another currency, totals that do not add up.
import { integrationEventExamples } from './examples';
import { integrationEventList, integrationEvents } from './registry';

type Path = (string | number)[];

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** A deep copy of `value` with `path` set to `replacement` (or removed, for `undefined`). */
function withValueAt(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (replacement === undefined) delete parent[key];
  else parent[key] = replacement;
  return copy;
}

/** Every path of `value` whose node satisfies `matches` (not descending into matches). */
function pathsWhere(value: unknown, matches: (node: unknown) => boolean, path: Path = []): Path[] {
  if (matches(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => pathsWhere(item, matches, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, nested]) => pathsWhere(nested, matches, [...path, key]));
  }
  return [];
}

const isMoney = (node: unknown) =>
  typeof node === 'object' && node !== null && 'currency' in node && 'value' in node && Object.keys(node).length === 2;
const isCalendarDate = (node: unknown) => typeof node === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node);
const isInstant = (node: unknown) => typeof node === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(node);

const cases = integrationEventList.map((definition) => ({
  type: definition.type,
  schema: definition.schema,
  example: integrationEventExamples[definition.type] as unknown,
}));

describe.each(cases)('$type', ({ schema, example }) => {
  const accepts = (data: unknown) => schema.safeParse(data).success;

  it('accepts its realistic example, unchanged', () => {
    const parsed = schema.safeParse(example);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data).toEqual(example);
  });

  it('rejects the example without any one of its required fields', () => {
    const shape = (schema as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> })
      .shape;
    const required = Object.keys(shape).filter((key) => !shape[key].safeParse(undefined).success);
    expect(required).toContain('customerId');
    for (const field of required) {
      expect({ field, accepted: accepts(withValueAt(example, [field], undefined)) }).toEqual({ field, accepted: false });
    }
  });

  it('still accepts the example with an unknown extra field, and drops it (forward compatible)', () => {
    const parsed = schema.safeParse({ ...(example as object), addedInAFutureRelease: { any: 'thing' } });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(example);
  });

  it('rejects a fractional, non-numeric or (outside invoice lines and credits) negative amount, and a malformed currency', () => {
    const amounts = pathsWhere(example, isMoney);
    for (const path of amounts) {
      const where = path.join('.');
      // invoice lines and a plan change's credit are signed on purpose
      const signed = path.includes('lines') || path.includes('unusedOldPlanCredit');
      if (!signed) {
        expect({ where, accepted: accepts(withValueAt(example, [...path, 'value'], -1)) }).toEqual({ where, accepted: false });
      }
      expect({ where, accepted: accepts(withValueAt(example, [...path, 'value'], 12.5)) }).toEqual({ where, accepted: false });
      expect({ where, accepted: accepts(withValueAt(example, [...path, 'value'], '1999')) }).toEqual({ where, accepted: false });
      for (const currency of ['eur', 'EURO', '€', '']) {
        expect({ where, currency, accepted: accepts(withValueAt(example, [...path, 'currency'], currency)) }).toEqual({
          where,
          currency,
          accepted: false,
        });
      }
    }
  });

  it('rejects impossible or malformed calendar dates', () => {
    for (const path of pathsWhere(example, isCalendarDate)) {
      for (const date of ['2025-02-30', '2025-13-01', '14/03/2025', '2025-03-14T00:00:00Z', '20250314']) {
        const where = path.join('.');
        expect({ where, date, accepted: accepts(withValueAt(example, path, date)) }).toEqual({
          where,
          date,
          accepted: false,
        });
      }
    }
  });

  it('rejects instants without a time zone or that are not instants', () => {
    for (const path of pathsWhere(example, isInstant)) {
      for (const instant of ['2025-03-14T09:30:00', '2025-03-14', 'yesterday', 1741944600000]) {
        const where = path.join('.');
        expect({ where, instant, accepted: accepts(withValueAt(example, path, instant)) }).toEqual({
          where,
          instant,
          accepted: false,
        });
      }
    }
  });
});

describe('amounts of documents that state their currency', () => {
  it.each(['OrderPlaced', 'InvoiceIssued', 'CreditNoteIssued'] as const)(
    '%s: rejects an amount in another currency than the document',
    (type) => {
      const example = integrationEventExamples[type];
      const parsed = integrationEvents[type].schema.safeParse(
        withValueAt(example, ['totals', 'tax', 'currency'], 'USD'),
      );
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain('totals.tax');
    },
  );

  it.each(['OrderPlaced', 'InvoiceIssued', 'CreditNoteIssued'] as const)(
    '%s: rejects totals where withTax is not withoutTax + tax',
    (type) => {
      const example = integrationEventExamples[type];
      const parsed = integrationEvents[type].schema.safeParse(withValueAt(example, ['totals', 'withTax', 'value'], 10067));
      expect(parsed.error?.issues.map((issue) => issue.message)).toContain('withTax must equal withoutTax + tax');
    },
  );

  it('InvoiceIssued: rejects a tax total that is not the sum of the taxes per rate', () => {
    const example = integrationEventExamples.InvoiceIssued;
    const parsed = integrationEvents.InvoiceIssued.schema.safeParse({
      ...example,
      taxes: [...example.taxes, { rate: 550, base: { currency: 'EUR', value: 1000 }, amount: { currency: 'EUR', value: 55 } }],
    });
    expect(parsed.error?.issues.map((issue) => issue.message)).toContain('tax must equal the sum of the taxes per rate');
  });

  it('InvoiceIssued: accepts a negative proration credit line, but no negative total', () => {
    const example = integrationEventExamples.InvoiceIssued;
    const credit = { ...example.lines[0], unitPrice: { currency: 'EUR', value: -4194 }, amountWithoutTax: { currency: 'EUR', value: -4194 } };
    expect(integrationEvents.InvoiceIssued.schema.safeParse({ ...example, lines: [...example.lines, credit] }).success).toBe(true);
    expect(
      integrationEvents.InvoiceIssued.schema.safeParse(withValueAt(example, ['totals', 'withoutTax', 'value'], -1)).success,
    ).toBe(false);
  });

  it('JPY amounts are whole yen (exponent 0) and still integers', () => {
    const example = integrationEventExamples.ServiceActivated;
    const schema = integrationEvents.ServiceActivated.schema;
    expect(schema.safeParse({ ...example, price: { currency: 'JPY', value: 1200 } }).success).toBe(true);
    expect(schema.safeParse({ ...example, price: { currency: 'JPY', value: 1200.5 } }).success).toBe(false);
  });
});

describe('domain rules the schemas hold', () => {
  it('accepts Feb 29 only in leap years', () => {
    const schema = integrationEvents.ServiceExpirationExtended.schema;
    const example = integrationEventExamples.ServiceExpirationExtended;
    expect(schema.safeParse({ ...example, expirationDate: '2028-02-29' }).success).toBe(true);
    expect(schema.safeParse({ ...example, expirationDate: '2027-02-29' }).success).toBe(false);
  });

  it('renew periods are the catalog ones, renew days 1–30, reminders 40 or 15 days before', () => {
    expect(
      integrationEvents.ServiceRenewPeriodChanged.schema.safeParse({ ...integrationEventExamples.ServiceRenewPeriodChanged, period: 'P5W' })
        .success,
    ).toBe(false);
    const settings = integrationEventExamples.AutorenewSettingsChanged;
    expect(integrationEvents.AutorenewSettingsChanged.schema.safeParse({ ...settings, renewDay: 30 }).success).toBe(true);
    expect(integrationEvents.AutorenewSettingsChanged.schema.safeParse({ ...settings, renewDay: 31 }).success).toBe(false);
    const reminder = integrationEventExamples.RenewalReminderSent;
    expect(integrationEvents.RenewalReminderSent.schema.safeParse({ ...reminder, daysBeforeExpiration: 15 }).success).toBe(true);
    expect(integrationEvents.RenewalReminderSent.schema.safeParse({ ...reminder, daysBeforeExpiration: 30 }).success).toBe(false);
  });

  it('termination reasons are the closed list of the public API', () => {
    const schema = integrationEvents.ServiceTerminationConfirmed.schema;
    const example = integrationEventExamples.ServiceTerminationConfirmed;
    expect(schema.safeParse({ ...example, reason: 'TOO_EXPENSIVE' }).success).toBe(true);
    expect(schema.safeParse({ ...example, reason: 'too expensive' }).success).toBe(false);
  });

  it('an invoice says what it bills: order, renewal term or plan change, each with its ids', () => {
    const schema = integrationEvents.InvoicePaid.schema;
    const example = integrationEventExamples.InvoicePaid;
    expect(schema.safeParse({ ...example, source: { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' } }).success).toBe(true);
    expect(schema.safeParse({ ...example, source: { kind: 'renewal', serviceId: '5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f' } }).success).toBe(false);
    expect(schema.safeParse({ ...example, source: { kind: 'gift' } }).success).toBe(false);
  });

  it('tax rates are whole basis points between 0 and 100 %', () => {
    const schema = integrationEvents.InvoiceIssued.schema;
    const example = integrationEventExamples.InvoiceIssued;
    expect(schema.safeParse(withValueAt(example, ['taxes', 0, 'rate'], 20.5)).success).toBe(false);
    expect(schema.safeParse(withValueAt(example, ['taxes', 0, 'rate'], 10_001)).success).toBe(false);
  });
});
