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
  /** One e-mail per send slot lists every invoice whose step falls in it; false sends one e-mail per invoice. */
  groupReminders: z.boolean().default(true),
  contacts: z.array(contactSchema).max(20).default([]),
});
export type CustomerInput = z.infer<typeof customerInputSchema>;

export const invoiceInputSchema = z
  .object({
    customerRef: z.string({ error: "required: the customer's externalRef, as given to POST /v1/customers" }).trim().min(1).max(100),
    kind: z.enum(['invoice', 'credit_note']).default('invoice'),
    number: z.string().trim().min(1).max(60),
    currency: currencySchema,
    totalMinor: z
      .number({ error: 'expected an amount in minor units of the currency, for example 120000 for 1,200.00 EUR' })
      .int('expected a whole number of minor units (cents for EUR), for example 120000 for 1,200.00 EUR')
      .min(0, 'expected 0 or more: record a credit note with kind "credit_note" and a positive amount')
      .max(Number.MAX_SAFE_INTEGER),
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
  customerRef: z.string({ error: "required: the customer's externalRef, as given to POST /v1/customers" }).trim().min(1).max(100),
  reference: z.string().trim().min(1).max(100),
  amountMinor: z
    .number({ error: 'expected an amount in minor units of the currency, for example 120000 for 1,200.00 EUR' })
    .int('expected a whole number of minor units (cents for EUR), for example 120000 for 1,200.00 EUR')
    .positive('expected more than 0 minor units')
    .max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
  receivedOn: calendarDateSchema.superRefine((date, ctx) => {
    // One day of margin for payers in time zones ahead of UTC.
    if (date > new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)) {
      ctx.addIssue({ code: 'custom', message: `receivedOn ${date} is in the future: record a payment once it has been received` });
    }
  }),
  /** The invoice the payer named; the payment is stored even when that invoice is not known yet. */
  invoiceNumber: z.string().trim().max(60).optional(),
});
export type PaymentInput = z.infer<typeof paymentInputSchema>;

export const idParamsSchema = z.object({ id: z.uuid() });

// ---------------------------------------------------------------------------
// Response schemas. Timestamps are UTC instants (ISO 8601); dates are YYYY-MM-DD.

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details');

/** Problem details for every error status a route may return. */
export const errorResponses = { '4xx': problemSchema, '5xx': problemSchema } as const;

export const customerSchema = z.object({
  id: z.uuid(),
  externalRef: z.string(),
  name: z.string(),
  siren: z.string().nullable(),
  vatNumber: z.string().nullable(),
  isBusiness: z.boolean(),
  language: z.string(),
  timeZone: z.string(),
  segment: z.string().nullable(),
  scenarioId: z.string().nullable(),
  address: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const invoiceStatusSchema = z.enum(['open', 'paid', 'written_off', 'cancelled', 'used']).describe('open: amount due above zero; paid; written_off; cancelled; used: a credit note fully allocated');

export const invoiceSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  customerRef: z.string(),
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string(),
  currency: z.string(),
  totalMinor: z.number().int(),
  amountDueMinor: z.number().int().describe('Still owed on an invoice, or not yet allocated on a credit note'),
  paidMinor: z.number().int(),
  creditedMinor: z.number().int(),
  writtenOffMinor: z.number().int(),
  status: invoiceStatusSchema,
  issueDate: z.string(),
  dueDate: z.string(),
  daysOverdue: z.number().int().describe("Days past the due date in the customer's time zone while open; 0 otherwise"),
  caseStatus: z.string().nullable(),
  createdAt: z.date(),
});

export const caseSummarySchema = z.object({
  workflowId: z.string(),
  invoiceId: z.uuid(),
  invoiceNumber: z.string(),
  customerId: z.uuid(),
  customerRef: z.string(),
  scenarioId: z.string(),
  scenarioVersion: z.number().int(),
  status: z.string(),
  stage: z.string().nullable(),
  terminalState: z.string().nullable(),
  amountDueMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  dueDate: z.string(),
  daysOverdue: z.number().int(),
  nextActionAt: z.date().nullable(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
});

export const paymentSchema = z.object({
  id: z.uuid(),
  customerRef: z.string(),
  customerId: z.uuid().nullable(),
  reference: z.string(),
  amountMinor: z.number().int(),
  allocatedMinor: z.number().int(),
  unallocatedMinor: z.number().int().describe('Not allocated to any invoice: on-account cash'),
  currency: z.string(),
  receivedOn: z.string(),
  invoiceNumber: z.string().nullable(),
  reversedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const allocationSchema = z.object({
  id: z.uuid(),
  invoiceId: z.uuid(),
  invoiceNumber: z.string(),
  amountMinor: z.number().int(),
  createdAt: z.date(),
});

/** One page of a list: `nextCursor` is null on the last page. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
