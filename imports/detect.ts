import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

import type { CsvDelimiter } from './csv-conventions.js';
import { importCsv } from './csv.js';
import type { CsvField, CsvPreset } from './csv-presets.js';
import type { DateOrder } from './dates.js';
import { importEInvoice } from './einvoice.js';
import { importFec } from './fec.js';
import type { DecimalStyle } from './money.js';
import { ImportFileError } from './records.js';
import type { ImportFormat, ImportMode, ImportResult } from './records.js';
import { peekStream } from './source.js';

export interface ImportFileOptions {
  /** Format of the file; detected from its content when absent. */
  format?: ImportFormat;
  preset?: string | CsvPreset;
  mapping?: Partial<Record<CsvField, string>>;
  mode: ImportMode;
  /** Days from the invoice date to the due date, for invoices that carry none (FEC, Factur-X MINIMUM, CSV). */
  paymentTermsDays?: number;
  /** With paymentTermsDays, moves the due date to the end of its month. */
  paymentTermsEndOfMonth?: boolean;
  /** ISO 4217 currency of CSV rows without one, and of FEC Debit and Credit (EUR by default). */
  currency?: string;
  delimiter?: CsvDelimiter;
  decimalStyle?: DecimalStyle;
  dateOrder?: DateOrder;
  onProgress?: (progress: { rows: number }) => void;
}

const fecHeader = /^(\ufeff)?JournalCode\s*[|\t ]\s*JournalLib/i;

/** Detects the format from the first bytes of a file, whatever its extension. */
export function detectFormat(head: Buffer): ImportFormat {
  if (head.subarray(0, 1024).includes('%PDF-')) return 'factur-x';

  const text = head.toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
  if (text.startsWith('<')) {
    if (/<([\w-]+:)?CrossIndustryInvoice\b/.test(text)) return /factur-x|zugferd/i.test(text) ? 'factur-x' : 'cii';
    if (/<([\w-]+:)?(Invoice|CreditNote)\b/.test(text)) return 'ubl';
    throw new ImportFileError('unknown_format', 'the XML is neither a CII (Factur-X, ZUGFeRD) nor a UBL 2.1 invoice, or it is cut before its root element');
  }
  if (fecHeader.test(text)) return 'fec';
  if (head.includes(0)) throw new ImportFileError('unreadable', 'the file is binary, not CSV, FEC, XML or PDF: export it again in one of these formats');
  if (text.length === 0) throw new ImportFileError('unreadable', 'the file is empty');
  return 'csv';
}

/**
 * Imports a file of any supported format into normalized records and a report.
 * Throws ImportFileError when the file cannot be read at all. Rows that fail are listed in
 * the report, and in 'all_or_nothing' mode a single one empties the result.
 */
export async function importFile(source: string | Readable, options: ImportFileOptions): Promise<ImportResult> {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  const { head, stream } = await peekStream(input, 4096);
  const format = options.format ?? detectFormat(head);
  const paymentTerms = options.paymentTermsDays === undefined ? undefined : { days: options.paymentTermsDays, endOfMonth: options.paymentTermsEndOfMonth };

  switch (format) {
    case 'csv':
      return importCsv(stream, {
        mode: options.mode,
        preset: options.preset,
        mapping: options.mapping,
        currency: options.currency,
        delimiter: options.delimiter,
        decimalStyle: options.decimalStyle,
        dateOrder: options.dateOrder,
        paymentTerms,
        onProgress: options.onProgress,
      });
    case 'fec':
      return importFec(stream, { mode: options.mode, currency: options.currency, paymentTerms, onProgress: options.onProgress });
    case 'factur-x':
    case 'cii':
    case 'ubl':
      return importEInvoice(stream, { mode: options.mode, paymentTerms });
  }
}
