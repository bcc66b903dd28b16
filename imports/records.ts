import { z } from 'zod';

import { isCalendarDate } from './dates.js';
import { isCurrencyCode } from './money.js';

// Normalized records produced by every importer. Another layer applies them to the
// database inside one transaction, so nothing here depends on PostgreSQL.

export const calendarDateSchema = z
  .string()
  .refine(isCalendarDate, { error: (issue) => `invalid calendar date ${JSON.stringify(issue.input)}: expected YYYY-MM-DD with a real day` });

export const currencySchema = z
  .string()
  .refine(isCurrencyCode, { error: (issue) => `unknown currency ${JSON.stringify(issue.input)}: expected an ISO 4217 code such as EUR` });

/** Amount in the currency's minor unit (cents for EUR), never a float. */
export const minorAmountSchema = z.number().int().refine(Number.isSafeInteger, { error: 'amount exceeds the safe integer range' });

export const importFormatSchema = z.enum(['csv', 'fec', 'factur-x', 'cii', 'ubl']);
export type ImportFormat = z.infer<typeof importFormatSchema>;

export const importedCustomerSchema = z.object({
  /** Identifier of the customer in the source system (sub-ledger account, SIREN, customer code). */
  externalRef: z.string().min(1),
  name: z.string().min(1),
  /** French company number: 9 digits. */
  siren: z.string().regex(/^\d{9}$/).optional(),
  vatNumber: z.string().regex(/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/).optional(),
  isBusiness: z.boolean(),
  /** BCP 47 language tag of the customer's correspondence. */
  language: z.string().min(2).optional(),
  /** ISO 3166-1 alpha-2 country code. */
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
});
export type ImportedCustomer = z.infer<typeof importedCustomerSchema>;

export const importedInvoiceSchema = z
  .object({
    kind: z.enum(['invoice', 'credit_note']),
    customerRef: z.string().min(1),
    number: z.string().min(1),
    currency: currencySchema,
    /** Total including tax, positive for both invoices and credit notes. */
    totalMinor: minorAmountSchema.nonnegative(),
    /** Still owed on an invoice, or not yet used on a credit note. */
    amountDueMinor: minorAmountSchema.nonnegative(),
    issueDate: calendarDateSchema,
    dueDate: calendarDateSchema.optional(),
    paymentTermsDays: z.number().int().nonnegative().optional(),
    precedingInvoiceNumber: z.string().min(1).optional(),
    disputed: z.boolean().optional(),
    settledDate: calendarDateSchema.optional(),
    source: z.object({ format: importFormatSchema, line: z.number().int().positive().optional() }),
  })
  .refine((invoice) => invoice.amountDueMinor <= invoice.totalMinor, {
    error: 'amount due exceeds the invoice total',
    path: ['amountDueMinor'],
  })
  .refine((invoice) => invoice.dueDate === undefined || invoice.dueDate >= invoice.issueDate, {
    error: 'due date is before the issue date',
    path: ['dueDate'],
  });
export type ImportedInvoice = z.infer<typeof importedInvoiceSchema>;

export const paymentAllocationSchema = z.object({
  invoiceNumber: z.string().min(1),
  amountMinor: minorAmountSchema.positive(),
});

export const importedPaymentSchema = z
  .object({
    customerRef: z.string().min(1),
    /** Bank or ledger reference, unique per source so a second import is recognised. */
    reference: z.string().min(1),
    amountMinor: minorAmountSchema.positive(),
    currency: currencySchema,
    receivedOn: calendarDateSchema,
    /** Invoices this payment settles; the remainder is unallocated cash. */
    allocations: z.array(paymentAllocationSchema),
  })
  .refine((payment) => payment.allocations.reduce((sum, allocation) => sum + allocation.amountMinor, 0) <= payment.amountMinor, {
    error: 'allocations exceed the payment amount',
    path: ['allocations'],
  });
export type ImportedPayment = z.infer<typeof importedPaymentSchema>;

export const importReportSchema = z.object({
  /** Counts of rows written by the layer that applies the records; absent before that. */
  created: z.object({ customers: z.number().int(), invoices: z.number().int(), payments: z.number().int() }).optional(),
  /** Data rows read (CSV records, FEC lines, or 1 for an e-invoice). */
  rows: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({ line: z.number().int().nonnegative(), reason: z.string() })),
  warnings: z.array(z.object({ line: z.number().int().nonnegative().optional(), message: z.string() })),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export type ImportMode = 'all_or_nothing' | 'partial';

export interface ImportResult {
  format: ImportFormat;
  customers: ImportedCustomer[];
  invoices: ImportedInvoice[];
  payments: ImportedPayment[];
  report: ImportReport;
}

/** Raised when a file cannot be imported at all: unreadable, wrong layout, unsafe XML. */
export class ImportFileError extends Error {
  constructor(
    readonly code: 'unreadable' | 'unknown_format' | 'invalid_layout' | 'unsafe_xml' | 'invalid_document',
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
