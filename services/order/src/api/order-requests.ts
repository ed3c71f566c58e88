// The HTTP requests of the order API as zod schemas: validated at the edge (400 with the failing
// fields), and rendered into the OpenAPI document.
import { renewPeriods } from '@billing/contracts';
import { z } from 'zod';

const planCode = z.string().min(1).max(128);

export const placeOrderSchema = z
  .object({
    subsidiary: z.string().regex(/^[A-Z]{2,4}$/, 'expected a subsidiary code such as FR').describe('The seller: FR, DE, GB, PL, …'),
    items: z
      .array(
        z
          .object({
            planCode,
            period: z.enum(renewPeriods).describe('The term ordered, and the renew period of the service'),
            quantity: z.int().positive().describe('Units of the plan, from 1'),
            engagement: z
              .enum(renewPeriods)
              .optional()
              .describe('A commitment the plan offers (`P1Y`): a lower price or a server set up for you, against no early termination'),
            options: z
              .array(z.object({ planCode, quantity: z.int().positive() }).strict())
              .max(20)
              .optional()
              .describe("Catalog plans sold with the item, priced for the item's period"),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    autoPay: z.boolean().describe('Charge paymentMethodId as soon as the invoice is issued (one click)'),
    paymentMethodId: z.string().min(1).max(128).optional().describe('Required with autoPay; invoicing checks that it is the customer\'s'),
    dryRun: z.boolean().optional().describe('Price the order and create nothing'),
    customer: z
      .object({
        country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code').optional(),
        vatNumber: z.string().min(1).max(32).optional(),
      })
      .strict()
      .optional()
      .describe('Tax profile for the expected price; invoicing recomputes the tax from the customer account'),
  })
  .strict();

export type PlaceOrderBody = z.infer<typeof placeOrderSchema>;

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'expected 1 to 255 visible ASCII characters')
  .optional();

export const orderIdParamsSchema = z.object({ orderId: z.uuid() });

export const ordersPageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();

export type OrdersPageQuery = z.infer<typeof ordersPageQuerySchema>;
