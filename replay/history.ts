import { createReadStream } from 'node:fs';

import { accountsReceivableHistoryPreset } from '../imports/csv-presets.js';
import { detectFormat, importFile } from '../imports/detect.js';
import type { ImportFormat, ImportedCustomer, ImportedInvoice, ImportedPayment } from '../imports/records.js';
import { peekStream } from '../imports/source.js';

// The receivables history a replay plays: the normalized records of the importers, split
// into what exists when the replay starts (customers, invoices) and what happens later
// (payments, credit notes), which the timeline turns into dated events.

/** Currency of files that carry none: the accounts-receivable layout has no currency column. */
export const REPLAY_CURRENCY = 'EUR';

/** Code de commerce L441-10 I: without agreed terms, payment is due 30 days after delivery or service. */
export const DEFAULT_TERMS_DAYS = 30;

export interface HistoryFile {
  path: string;
  format: ImportFormat;
  rows: number;
  rejected: Array<{ line: number; reason: string }>;
  warnings: Array<{ line?: number; message: string }>;
}

export interface ReplayHistory {
  files: HistoryFile[];
  customers: ImportedCustomer[];
  /** Invoices only; each is stored at its full total when the replay starts. */
  invoices: ImportedInvoice[];
  /** Credit notes, issued as events on their issue date. */
  creditNotes: ImportedInvoice[];
  /** Payments of the files (FEC bank entries), received as events on their date. */
  payments: ImportedPayment[];
}

export interface LoadHistoryOptions {
  /** Keeps the first N invoices by due date, with the payments and credit notes that concern them. */
  limit?: number;
  /** Days from the invoice date to the due date, for invoices without a due date (FEC). */
  paymentTermsDays?: number;
}

const documentKey = (customerRef: string, number: string) => `${customerRef}\u0000${number}`;

/** Reads one file with the importers: a CSV in the accounts-receivable history layout, or any format the importers detect. */
async function readFile(path: string, paymentTermsDays: number) {
  const { head, stream } = await peekStream(createReadStream(path), 4096);
  const format = detectFormat(head);
  return importFile(stream, {
    format,
    preset: format === 'csv' ? accountsReceivableHistoryPreset : undefined,
    mode: 'partial',
    currency: REPLAY_CURRENCY,
    paymentTermsDays,
  });
}

/**
 * Reads every file into one history. A customer named in several files keeps its first
 * record. A document number that repeats for one customer keeps its first row, and the
 * second is listed among the warnings of its file.
 */
export async function loadHistory(paths: string[], options: LoadHistoryOptions = {}): Promise<ReplayHistory> {
  const history: ReplayHistory = { files: [], customers: [], invoices: [], creditNotes: [], payments: [] };
  const customerRefs = new Set<string>();
  const documentKeys = new Set<string>();

  for (const path of paths) {
    const result = await readFile(path, options.paymentTermsDays ?? DEFAULT_TERMS_DAYS);
    const file: HistoryFile = { path, format: result.format, rows: result.report.rows, rejected: result.report.rejected, warnings: [...result.report.warnings] };
    history.files.push(file);

    for (const customer of result.customers) {
      if (customerRefs.has(customer.externalRef)) continue;
      customerRefs.add(customer.externalRef);
      history.customers.push(customer);
    }
    for (const document of result.invoices) {
      const key = documentKey(document.customerRef, document.number);
      if (documentKeys.has(key)) {
        file.warnings.push({ line: document.source.line, message: `${document.number} of customer ${document.customerRef} appears twice: the first row is replayed` });
        continue;
      }
      documentKeys.add(key);
      (document.kind === 'invoice' ? history.invoices : history.creditNotes).push(document);
    }
    history.payments.push(...result.payments);
  }

  return options.limit === undefined ? history : limitHistory(history, options.limit);
}

/** Keeps the first `limit` invoices by due date, then number, and only what concerns them. */
export function limitHistory(history: ReplayHistory, limit: number): ReplayHistory {
  const dueDateOf = (invoice: ImportedInvoice) => invoice.dueDate ?? invoice.issueDate;
  const invoices = [...history.invoices]
    .sort((left, right) => dueDateOf(left).localeCompare(dueDateOf(right)) || left.number.localeCompare(right.number))
    .slice(0, limit);
  const keptKeys = new Set(invoices.map((invoice) => documentKey(invoice.customerRef, invoice.number)));
  const customerRefs = new Set(invoices.map((invoice) => invoice.customerRef));

  // Cash on account is left out too: it would count against invoices the limit dropped.
  const payments = history.payments.flatMap((payment) => {
    const allocations = payment.allocations.filter((allocation) => keptKeys.has(documentKey(payment.customerRef, allocation.invoiceNumber)));
    if (allocations.length === 0) return [];
    const amountMinor = allocations.reduce((sum, allocation) => sum + allocation.amountMinor, 0);
    return [{ ...payment, amountMinor, allocations }];
  });
  const creditNotes = history.creditNotes.filter(
    (note) => note.precedingInvoiceNumber !== undefined && keptKeys.has(documentKey(note.customerRef, note.precedingInvoiceNumber)),
  );

  return {
    files: history.files,
    customers: history.customers.filter((customer) => customerRefs.has(customer.externalRef)),
    invoices,
    creditNotes,
    payments,
  };
}
