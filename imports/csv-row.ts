import type { DateOrder } from './dates.js';
import { parseCalendarDate } from './dates.js';
import type { CsvField } from './csv-presets.js';
import type { DecimalStyle } from './money.js';
import { decimalToMinor, isCurrencyCode, normalizeDecimal } from './money.js';
import { dueDateCapWarning, dueDateFor, legalCapWarning } from './payment-terms.js';
import type { PaymentTerms } from './payment-terms.js';
import type { ImportedCustomer, ImportedInvoice } from './records.js';
import { importedCustomerSchema, importedInvoiceSchema } from './records.js';
import { describeIssue } from './report.js';

export interface RowConventions {
  decimalStyle: DecimalStyle;
  dateOrder: DateOrder;
  defaultCurrency?: string;
  paymentTerms?: PaymentTerms;
}

export interface RowOutcome {
  customer: ImportedCustomer;
  invoice: ImportedInvoice;
  warnings: string[];
}

/** Thrown for one invalid cell; the importer rejects the row with this message. */
export class InvalidCellError extends Error {}

const truthy = new Set(['yes', 'y', 'true', '1', 'oui', 'o', 'x']);
const falsy = new Set(['no', 'n', 'false', '0', 'non', '']);

function parseBoolean(field: string, text: string): boolean {
  const value = text.trim().toLowerCase();
  if (truthy.has(value)) return true;
  if (falsy.has(value)) return false;
  throw new InvalidCellError(`invalid ${field} ${JSON.stringify(text)}: expected yes/no, true/false, oui/non or 1/0`);
}

function parseDate(field: string, text: string, order: DateOrder): string {
  const date = parseCalendarDate(text, order);
  if (date === undefined) {
    const expected = order === 'day_first' ? 'DD/MM/YYYY' : 'MM/DD/YYYY';
    throw new InvalidCellError(`invalid ${field} ${JSON.stringify(text)}: expected a real calendar day as YYYY-MM-DD or ${expected}`);
  }
  return date;
}

function parseAmount(field: string, text: string, style: DecimalStyle, currency: string): number {
  const decimal = normalizeDecimal(text, style);
  if (decimal === undefined) {
    const example = style === 'fr' ? '1 234,56' : '1,234.56';
    throw new InvalidCellError(`non-numeric ${field} ${JSON.stringify(text)}: expected a number such as ${example}`);
  }
  let minor: number;
  try {
    minor = decimalToMinor(decimal, currency);
  } catch (error) {
    throw new InvalidCellError(`${field}: ${(error as Error).message}`);
  }
  if (minor < 0) {
    throw new InvalidCellError(`negative ${field} ${JSON.stringify(text)}: give the positive amount, with kind credit_note for a credit`);
  }
  return minor;
}

function parseKind(text: string): ImportedInvoice['kind'] {
  const value = text.trim().toLowerCase();
  if (['', 'invoice', 'facture', '380'].includes(value)) return 'invoice';
  if (['credit_note', 'credit note', 'avoir', '381'].includes(value)) return 'credit_note';
  throw new InvalidCellError(`invalid kind ${JSON.stringify(text)}: expected invoice or credit_note`);
}

function optional(cells: Partial<Record<CsvField, string>>, field: CsvField): string | undefined {
  const value = cells[field]?.trim();
  return value ? value : undefined;
}

function required(cells: Partial<Record<CsvField, string>>, field: CsvField): string {
  const value = optional(cells, field);
  if (value === undefined) throw new InvalidCellError(`missing ${field}: the cell is empty`);
  return value;
}

function buildCustomer(cells: Partial<Record<CsvField, string>>): ImportedCustomer {
  const externalRef = required(cells, 'customerRef');
  const siren = optional(cells, 'siren')?.replace(/\s/g, '');
  const isBusiness = optional(cells, 'isBusiness');
  const candidate = {
    externalRef,
    name: optional(cells, 'customerName') ?? externalRef,
    siren,
    vatNumber: optional(cells, 'vatNumber')?.replace(/\s/g, '').toUpperCase(),
    isBusiness: isBusiness === undefined ? true : parseBoolean('isBusiness', isBusiness),
    language: optional(cells, 'language'),
    country: optional(cells, 'country')?.toUpperCase(),
  };
  const parsed = importedCustomerSchema.safeParse(candidate);
  if (!parsed.success) throw new InvalidCellError(`invalid customer: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Builds the customer and invoice of one CSV row, or throws InvalidCellError. */
export function buildRow(cells: Partial<Record<CsvField, string>>, line: number, conventions: RowConventions): RowOutcome {
  const warnings: string[] = [];
  const customer = buildCustomer(cells);

  const currency = (optional(cells, 'currency') ?? conventions.defaultCurrency ?? '').toUpperCase();
  if (!isCurrencyCode(currency)) throw new InvalidCellError(`invalid currency ${JSON.stringify(currency)}: expected an ISO 4217 code such as EUR`);

  const totalMinor = parseAmount('amount', required(cells, 'amount'), conventions.decimalStyle, currency);
  const issueDate = parseDate('issue date', required(cells, 'issueDate'), conventions.dateOrder);
  const settledText = optional(cells, 'settledDate');
  const settledDate = settledText === undefined ? undefined : parseDate('settled date', settledText, conventions.dateOrder);

  const dueText = optional(cells, 'amountDue');
  const amountDueMinor =
    dueText !== undefined ? parseAmount('amount due', dueText, conventions.decimalStyle, currency) : settledDate !== undefined ? 0 : totalMinor;

  const termsText = optional(cells, 'paymentTermsDays');
  if (termsText !== undefined && !/^\d+$/.test(termsText)) {
    throw new InvalidCellError(`invalid payment terms ${JSON.stringify(termsText)}: expected a whole number of days`);
  }
  const terms = termsText !== undefined ? { days: Number(termsText) } : conventions.paymentTerms;

  const dueDateText = optional(cells, 'dueDate');
  let dueDate = dueDateText === undefined ? undefined : parseDate('due date', dueDateText, conventions.dateOrder);
  if (dueDate === undefined && terms !== undefined) {
    dueDate = dueDateFor(issueDate, terms);
    const capWarning = legalCapWarning(terms);
    if (capWarning) warnings.push(capWarning);
  } else if (dueDate !== undefined) {
    const capWarning = dueDateCapWarning(issueDate, dueDate);
    if (capWarning) warnings.push(capWarning);
  }

  const disputedText = optional(cells, 'disputed');
  const candidate = {
    kind: parseKind(cells.kind ?? ''),
    customerRef: customer.externalRef,
    number: required(cells, 'invoiceNumber'),
    currency,
    totalMinor,
    amountDueMinor,
    issueDate,
    dueDate,
    paymentTermsDays: terms?.days,
    precedingInvoiceNumber: optional(cells, 'precedingInvoiceNumber'),
    disputed: disputedText === undefined ? undefined : parseBoolean('disputed', disputedText),
    settledDate,
    source: { format: 'csv' as const, line },
  };
  const parsed = importedInvoiceSchema.safeParse(candidate);
  if (!parsed.success) throw new InvalidCellError(describeIssue(parsed.error));

  return { customer, invoice: parsed.data, warnings };
}
