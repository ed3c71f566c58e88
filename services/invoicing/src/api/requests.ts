// The HTTP requests of the invoicing API as zod schemas: validated at the edge (400 with the
// failing fields), and rendered into the OpenAPI document.
import { z } from 'zod';
import { paymentMethodTypes } from '../domain/customer-account';

/** A card number (or most of one) has no business here: the gateway tokenises it on its side. */
const noCardNumber = (value: string) => !/\d[\d\s-]{10,}\d/.test(value);
const cardNumberMessage = 'looks like a card number: send the payment gateway\'s token, never the card number';

export const customerAccountSchema = z
  .object({
    subsidiary: z.string().regex(/^[A-Z]{2,4}$/, 'expected a subsidiary code such as FR').describe('The seller the account belongs to: FR, DE, GB, PL, …'),
    name: z.string().trim().min(1).max(200).describe('Person or company name printed on invoices'),
    postalAddress: z
      .object({
        lines: z.array(z.string().trim().min(1).max(200)).min(1).max(4),
        postalCode: z.string().trim().min(1).max(20).optional(),
        city: z.string().trim().min(1).max(100),
      })
      .strict(),
    country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code').describe('Where the customer lives or is established: decides the VAT'),
    vatNumber: z.string().trim().min(1).max(32).optional().describe('Intra-community VAT number of a business customer (B2B)'),
    email: z.email().max(254).describe('Where notifications are sent'),
    defaultPaymentMethodId: z.string().min(1).max(128).optional().describe('One of the customer\'s payment methods; absent: unchanged'),
  })
  .strict();

export type CustomerAccountBody = z.infer<typeof customerAccountSchema>;

export const paymentMethodSchema = z
  .object({
    type: z.enum(paymentMethodTypes).describe('card, sepaDirectDebit or paypal'),
    token: z
      .string()
      .regex(/^[A-Za-z0-9_-]{3,128}$/, 'expected the payment gateway\'s token (letters, digits, _ and -)')
      .refine(noCardNumber, cardNumberMessage)
      .describe('The gateway\'s token of the method (sandbox: tok_success, tok_declined, tok_insufficient_funds, tok_expired, tok_lost_response, …)'),
    label: z.string().trim().min(1).max(64).refine(noCardNumber, cardNumberMessage).optional().describe('What the customer reads, e.g. "Visa ···4242"'),
    default: z.boolean().optional().describe('Charge this one for one-click orders and automatic renewals (the first method is the default anyway)'),
  })
  .strict();

export type PaymentMethodBody = z.infer<typeof paymentMethodSchema>;

export const payBillSchema = z
  .object({ paymentMethodId: z.string().min(1).max(128).optional().describe('Absent: the account\'s default payment method') })
  .strict()
  .optional();

export type PayBillBody = z.infer<typeof payBillSchema>;

export const billIdParamsSchema = z.object({ billId: z.uuid() });

export const paymentMethodIdParamsSchema = z.object({ paymentMethodId: z.string().min(1).max(128) });

export const billsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

export type BillsQueryParams = z.infer<typeof billsQuerySchema>;
