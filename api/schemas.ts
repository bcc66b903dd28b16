import { z } from 'zod';
import { currencyCodeSchema as currencySchema } from '../domain/money.js';
import { calendarDateSchema, timeZoneSchema } from '../domain/dates.js';

// Request and response schemas of the /v1 API. Money is in minor units of its currency.

export const contactSchema = z.object({
  role: z.enum(['invoicing', 'accounts_payable', 'main', 'other']),
  name: z.string().trim().max(200).optional(),
  email: z.email().max(320).optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ().-]{6,30}$/, 'expected a phone number such as +33 1 23 45 67 89').optional(),
  language: z.enum(['fr', 'en']).optional(),
});

export const customerInputSchema = z.object({
  externalRef: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(200),
  siren: z.string().regex(/^\d{9}$/, 'expected a SIREN of 9 digits').optional(),
  vatNumber: z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, 'expected a VAT number such as FR12345678901').optional(),
  isBusiness: z.boolean().default(true),
  language: z.enum(['fr', 'en']).default('fr'),
  timeZone: timeZoneSchema.default('Europe/Paris'),
  segment: z.string().trim().max(60).optional(),
  scenarioId: z.string().max(63).optional(),
  address: z.string().trim().max(500).optional(),
  contacts: z.array(contactSchema).max(20).default([]),
});
export type CustomerInput = z.infer<typeof customerInputSchema>;

export const invoiceInputSchema = z
  .object({
    customerRef: z.string().trim().min(1).max(100),
    kind: z.enum(['invoice', 'credit_note']).default('invoice'),
    number: z.string().trim().min(1).max(60),
    currency: currencySchema,
    totalMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    issueDate: calendarDateSchema,
    dueDate: calendarDateSchema,
    paymentTermsDays: z.number().int().min(0).max(365).optional(),
    precedingInvoiceNumber: z.string().trim().max(60).optional(),
    scenarioId: z.string().max(63).optional(),
    startCase: z.boolean().default(true),
  })
  .refine((invoice) => invoice.dueDate >= invoice.issueDate, { message: 'dueDate must not be before issueDate', path: ['dueDate'] });
export type InvoiceInput = z.infer<typeof invoiceInputSchema>;

export const paymentInputSchema = z.object({
  customerRef: z.string().trim().min(1).max(100),
  reference: z.string().trim().min(1).max(100),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
  receivedOn: calendarDateSchema,
  /** The invoice the payer named; the payment is stored even when that invoice is not known yet. */
  invoiceNumber: z.string().trim().max(60).optional(),
});
export type PaymentInput = z.infer<typeof paymentInputSchema>;

export const idParamsSchema = z.object({ id: z.uuid() });
