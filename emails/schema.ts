import { z } from 'zod';

import { isKnownCurrency, isValidCalendarDate } from './format.js';

// Schemas shared by the e-mails, the call script and the letters. Every value that ends
// up in a subject line or a PDF is a single line, so no field can inject a header.

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Builds the schema of a non-empty single-line text without control characters, at most `maxLength` long. */
export function singleLine(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((text) => !CONTROL_CHARACTERS.test(text), 'must be a single line without control characters');
}

/** A calendar date 'YYYY-MM-DD' that exists. */
export const calendarDateSchema = z
  .string()
  .refine(isValidCalendarDate, { error: (issue) => `invalid calendar date "${String(issue.input)}": expected YYYY-MM-DD, for example 2026-12-04` });

/** An ISO 4217 currency code that Intl supports. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code in capitals, for example EUR')
  .refine(isKnownCurrency, { error: (issue) => `unknown ISO 4217 currency "${String(issue.input)}"` });

/** An amount in minor units of its currency (cents for EUR, yen for JPY, fils for KWD). */
export const minorAmountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * The customer's portal page, already signed by the caller. Only http(s) is accepted so
 * that a link can never run script in the mail client.
 */
export const portalUrlSchema = z.url({
  protocol: /^https?$/,
  error: 'invalid portal URL: expected an absolute https (or http for a local portal) URL',
});

/**
 * A SIREN: 9 digits, spaces allowed ("123 456 789"). The Luhn checksum is not enforced,
 * like the configuration and the invoice import, which accept any 9 digits.
 */
export const sirenSchema = z
  .string()
  .transform((siren) => siren.replace(/\s/g, ''))
  .refine((siren) => /^\d{9}$/.test(siren), { error: (issue) => `invalid SIREN "${String(issue.input)}": expected 9 digits, for example 552 100 554` });

/** Formats a 9-digit SIREN in groups of three, as printed on French invoices. */
export function formatSiren(siren: string): string {
  return `${siren.slice(0, 3)} ${siren.slice(3, 6)} ${siren.slice(6)}`;
}

export const customerSchema = z.object({
  name: singleLine(200),
  /** Business (B2B) customers owe late penalties and the fixed recovery indemnity; consumers do not. */
  isBusiness: z.boolean(),
});
export type Customer = z.infer<typeof customerSchema>;

/** One invoice on a reminder, with its own balance as of the statement date. */
export const invoiceLineSchema = z.object({
  number: singleLine(60),
  issueDate: calendarDateSchema,
  dueDate: calendarDateSchema,
  currency: currencySchema,
  originalMinor: minorAmountSchema,
  /** Payments and credit notes allocated to the invoice. */
  paidMinor: minorAmountSchema,
  /** Balance due; a reminder never shows a balance of zero or less. */
  dueMinor: z.number().int().max(Number.MAX_SAFE_INTEGER),
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

/** Late penalties (Code de commerce L441-10) and the fixed recovery indemnity (D441-5) claimed on one invoice. */
export const penaltyLineSchema = z.object({
  invoiceNumber: singleLine(60),
  currency: currencySchema,
  penaltyMinor: minorAmountSchema,
  indemnityMinor: minorAmountSchema,
});
export type PenaltyLine = z.infer<typeof penaltyLineSchema>;

type IssueSink = { addIssue: (issue: { code: 'custom'; message: string; path: (string | number)[] }) => void };

/**
 * Checks the invoices of a reminder: at least one, unique numbers, a positive balance
 * that does not exceed the original amount less what was paid, and a due date on or
 * after the issue date. Each message names the invoice.
 */
export function checkInvoiceLines(invoices: InvoiceLine[], context: IssueSink, path: string = 'invoices'): void {
  if (invoices.length === 0) {
    context.addIssue({
      code: 'custom',
      message: 'no invoice to show: a reminder lists at least one invoice with a balance due',
      path: [path],
    });
  }

  const seen = new Set<string>();
  invoices.forEach((invoice, index) => {
    const at = (field: string) => [path, index, field];

    if (seen.has(invoice.number)) {
      context.addIssue({ code: 'custom', message: `invoice ${invoice.number} is listed twice: list each invoice once`, path: at('number') });
    }
    seen.add(invoice.number);

    if (invoice.dueMinor <= 0) {
      context.addIssue({
        code: 'custom',
        message: `invoice ${invoice.number} has a balance due of ${invoice.dueMinor} minor units: a reminder shows only invoices with a positive balance, so leave it out`,
        path: at('dueMinor'),
      });
    }
    if (invoice.dueMinor > invoice.originalMinor - invoice.paidMinor) {
      context.addIssue({
        code: 'custom',
        message: `invoice ${invoice.number} has a balance due of ${invoice.dueMinor} minor units, more than its amount ${invoice.originalMinor} less ${invoice.paidMinor} paid: re-read the balance`,
        path: at('dueMinor'),
      });
    }
    if (invoice.dueDate < invoice.issueDate) {
      context.addIssue({
        code: 'custom',
        message: `invoice ${invoice.number} is due on ${invoice.dueDate}, before its issue date ${invoice.issueDate}`,
        path: at('dueDate'),
      });
    }
  });
}

/**
 * Checks claimed penalties: only for a business customer (Code de commerce L441-10 and
 * D441-5 apply between professionals), each on a listed invoice, at most once.
 */
export function checkPenaltyLines(
  penalties: PenaltyLine[] | undefined,
  invoices: InvoiceLine[],
  customer: Customer,
  context: IssueSink,
): void {
  if (penalties === undefined || penalties.length === 0) {
    return;
  }
  if (!customer.isBusiness) {
    context.addIssue({
      code: 'custom',
      message: `customer "${customer.name}" is a consumer: late penalties (Code de commerce L441-10) and the recovery indemnity (D441-5) apply to business customers only, so pass no penalties`,
      path: ['penalties'],
    });
    return;
  }

  const invoiceNumbers = new Set(invoices.map((invoice) => invoice.number));
  const claimed = new Set<string>();
  penalties.forEach((penalty, index) => {
    if (!invoiceNumbers.has(penalty.invoiceNumber)) {
      context.addIssue({
        code: 'custom',
        message: `penalties name invoice ${penalty.invoiceNumber}, which is not in the invoice list`,
        path: ['penalties', index, 'invoiceNumber'],
      });
    }
    if (claimed.has(penalty.invoiceNumber)) {
      context.addIssue({
        code: 'custom',
        message: `penalties for invoice ${penalty.invoiceNumber} are listed twice: the indemnity is owed once per invoice`,
        path: ['penalties', index, 'invoiceNumber'],
      });
    }
    claimed.add(penalty.invoiceNumber);
  });
}
