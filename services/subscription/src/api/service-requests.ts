// The HTTP requests of the services API as zod schemas: validated at the edge (400 with the
// failing fields), and rendered into the OpenAPI document.
import { renewModes, renewPeriods, terminationFutureUses, terminationReasons } from '@billing/contracts';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** The request schema as the OpenAPI document shows it (the same zod schema that validates it). */
export function openApiSchemaOf(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' });
  return jsonSchema as SchemaObject;
}

export const serviceIdParamsSchema = z.object({ serviceId: z.uuid() });

export const servicesPageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.uuid().optional(),
  })
  .strict();

export type ServicesPageQuery = z.infer<typeof servicesPageQuerySchema>;

export const renewSettingsSchema = z
  .object({
    renew: z
      .object({
        mode: z.enum(renewModes).optional().describe('automatic (default), manual (the customer pays each term), deleteAtExpiration'),
        period: z.enum(renewPeriods).optional().describe("The next terms' length: one of the plan's possiblePeriods"),
      })
      .strict()
      .optional(),
    terminationPolicy: z
      .enum(['empty', 'terminateAtExpirationDate', 'terminateAtEngagementDate'])
      .optional()
      .describe('`empty` cancels a pending termination; scheduling one takes POST terminate and its token'),
  })
  .strict()
  .refine((body) => body.renew !== undefined || body.terminationPolicy !== undefined, 'give renew or terminationPolicy');

export type RenewSettingsBody = z.infer<typeof renewSettingsSchema>;

/** The body is optional: an empty POST asks for a termination at the expiration date. */
export const terminateSchema = z
  .object({
    terminateAtEngagementDate: z.boolean().optional().describe('Terminate when the engagement ends (a termination before it is refused)'),
  })
  .strict()
  .optional()
  .transform((body) => body ?? {});

export const confirmTerminationSchema = z
  .object({
    token: z.string().min(16).max(256).describe('The one-time token of the termination e-mail'),
    reason: z.enum(terminationReasons),
    futureUse: z.enum(terminationFutureUses).optional(),
    commentary: z.string().max(2000).optional(),
    immediate: z.boolean().optional().describe('Terminate now rather than at the expiration date'),
    terminateAtEngagementDate: z.boolean().optional().describe('Terminate when the engagement ends'),
  })
  .strict();

export type ConfirmTerminationBody = z.infer<typeof confirmTerminationSchema>;

export const changePlanSchema = z.object({ planCode: z.string().min(1).max(128).describe('The plan to move to, in the same product') }).strict();
