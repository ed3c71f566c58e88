// The `.v1` evolution rule as the generator enforces it: adding an optional field is the only
// change to a published event version that is not breaking.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { breakingChanges } from '../tools/compatibility';
import { eventJsonSchema } from '../tools/documents';
import { integrationEvents } from './registry';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });

const published = z.object({
  invoiceId: z.uuid(),
  customerId: z.string(),
  reason: z.enum(['declined', 'expired']),
  attempt: z.int().positive(),
  note: z.string().optional(),
});

describe('breakingChanges between two versions of an event schema', () => {
  it('finds none when an optional field is added, or a description changes', () => {
    const next = published.extend({ retryOn: z.iso.date().optional(), customerId: z.string().describe('who') });
    expect(breakingChanges(json(published), json(next))).toEqual([]);
  });

  it('finds a new required field', () => {
    const next = published.extend({ retryOn: z.iso.date() });
    expect(breakingChanges(json(published), json(next))).toEqual([
      { path: 'required', message: 'field retryOn is required now (a new field must be optional)' },
    ]);
  });

  it('finds a removed field, a field made optional, a renamed one', () => {
    const { attempt: _attempt, ...rest } = published.shape;
    const next = z.object({ ...rest, customerId: z.string().optional(), attemptNumber: z.int().positive().optional() });
    expect(breakingChanges(json(published), json(next)).map((change) => change.message)).toEqual([
      'field attempt was removed',
      'field customerId is no longer required',
      'field attempt is no longer required',
    ]);
  });

  it('finds a retyped field, an enum value added, a format tightened', () => {
    const next = published.extend({
      attempt: z.string(),
      reason: z.enum(['declined', 'expired', 'fraudSuspected']),
      customerId: z.uuid(),
    });
    expect(breakingChanges(json(published), json(next)).map((change) => change.path)).toEqual([
      'properties.customerId → format',
      'properties.customerId → pattern',
      'properties.reason → enum',
      'properties.attempt → type',
      'properties.attempt → exclusiveMinimum',
      'properties.attempt → maximum',
    ]);
  });

  it('finds changes inside nested objects, arrays and alternatives', () => {
    const before = z.object({ lines: z.array(z.object({ amount: z.int() })), source: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) });
    const after = z.object({ lines: z.array(z.object({ amount: z.number() })), source: z.union([z.object({ a: z.string() }), z.object({ b: z.int() })]) });
    expect(breakingChanges(json(before), json(after)).map((change) => change.path)).toEqual([
      'properties.lines → items → properties.amount → type',
      'properties.lines → items → properties.amount → minimum',
      'properties.lines → items → properties.amount → maximum',
      'properties.source → anyOf[1] → properties.b → type',
      'properties.source → anyOf[1] → properties.b → minimum',
      'properties.source → anyOf[1] → properties.b → maximum',
    ]);
  });

  it('finds a field removed from a committed event schema (through its $defs)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'generated', 'schemas', 'InvoiceIssued.v1.json'), 'utf8'));
    const next = structuredClone(committed);
    delete next.$defs['InvoiceIssued.v1'].properties.dueDate;
    expect(breakingChanges(committed, next)).toEqual([
      { path: '$defs.InvoiceIssued.v1 → properties', message: 'field dueDate was removed' },
    ]);
  });

  it('finds none between the committed schemas and the current ones', () => {
    for (const definition of Object.values(integrationEvents)) {
      const path = join(__dirname, '..', 'generated', 'schemas', `${definition.type}.v${definition.schemaVersion}.json`);
      const committed = JSON.parse(readFileSync(path, 'utf8'));
      expect({ type: definition.type, changes: breakingChanges(committed, eventJsonSchema(definition)) }).toEqual({
        type: definition.type,
        changes: [],
      });
    }
  });
});
