// The HTTP requests of the renewal API as zod schemas: validated at the edge (400 with the
// failing fields) and rendered into the OpenAPI document.
import { z } from 'zod';

export const autorenewSettingsSchema = z
  .object({
    active: z.boolean().describe("Group the account's automatic renewals on the renew day"),
    renewDay: z.int().min(1).max(30).describe('Day of the month (1–30); in shorter months, the last day'),
  })
  .strict();

export type AutorenewSettingsBody = z.infer<typeof autorenewSettingsSchema>;

export const forecastQuerySchema = z
  .object({
    window: z.enum(['30', '60', '90']).default('30').transform(Number).describe('Days ahead: 30, 60 or 90'),
  })
  .strict();

export const renewalRunSchema = z
  .object({ dryRun: z.boolean().optional().describe('Report what is due without doing it') })
  .strict()
  .optional();

export const customerRenewalsQuerySchema = z.object({ serviceId: z.uuid().optional() }).strict();

/** The request schema as the OpenAPI document shows it (the same zod schema that validates it). */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' });
  return jsonSchema;
}
