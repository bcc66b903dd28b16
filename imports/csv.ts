import type { Readable } from 'node:stream';

import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

import type { CsvDelimiter } from './csv-conventions.js';
import { detectDateOrder, detectDecimalStyle, detectDelimiter } from './csv-conventions.js';
import type { CsvField, CsvPreset } from './csv-presets.js';
import { csvPresets, expectedColumns, genericPreset, normalizeHeader } from './csv-presets.js';
import { InvalidCellError, buildRow } from './csv-row.js';
import type { DateOrder } from './dates.js';
import type { DecimalStyle } from './money.js';
import type { PaymentTerms } from './payment-terms.js';
import type { ImportMode, ImportResult, ImportedCustomer, ImportedInvoice } from './records.js';
import { ImportFileError } from './records.js';
import { ReportBuilder, finishImport } from './report.js';
import type { TextEncoding } from './source.js';
import { decodeStream, decodeText, detectTextEncoding, peekStream } from './source.js';

export interface CsvImportOptions {
  mode: ImportMode;
  /** Preset name ('generic', 'accounts-receivable-history') or a preset object. */
  preset?: string | CsvPreset;
  /** Header per field, overriding the preset's headers. */
  mapping?: Partial<Record<CsvField, string>>;
  /** Further columns to accept and skip. */
  ignoreColumns?: string[];
  delimiter?: CsvDelimiter;
  decimalStyle?: DecimalStyle;
  dateOrder?: DateOrder;
  /** ISO 4217 currency of rows without a currency column or cell. */
  currency?: string;
  /** Encoding when the file is not UTF-8; Windows-1252 by default, as Excel writes it in France. */
  fallbackEncoding?: TextEncoding;
  /** Terms that compute a due date for rows without one. */
  paymentTerms?: PaymentTerms;
  onProgress?: (progress: { rows: number }) => void;
}

// Enough rows to detect the delimiter, decimal mark and date order of a file.
const sampleBytes = 64 * 1024;
const progressEvery = 1000;

function resolvePreset(preset: CsvImportOptions['preset']): CsvPreset {
  if (preset === undefined) return genericPreset;
  if (typeof preset !== 'string') return preset;
  const found = csvPresets[preset];
  if (!found) throw new ImportFileError('invalid_layout', `unknown CSV preset ${JSON.stringify(preset)}: expected one of ${Object.keys(csvPresets).join(', ')}`);
  return found;
}

/** Maps each header cell to a field (or null when ignored), rejecting the file on unknown or missing columns. */
function resolveColumns(header: string[], preset: CsvPreset, options: CsvImportOptions): Array<CsvField | null> {
  const lookup = new Map<string, CsvField | null>();
  for (const [field, headers] of Object.entries(preset.columns) as Array<[CsvField, string[]]>) {
    for (const name of headers) lookup.set(normalizeHeader(name), field);
  }
  for (const [field, name] of Object.entries(options.mapping ?? {}) as Array<[CsvField, string]>) lookup.set(normalizeHeader(name), field);
  for (const name of [...preset.ignored, ...(options.ignoreColumns ?? [])]) lookup.set(normalizeHeader(name), null);

  const seen = new Set<CsvField>();
  const columns = header.map((cell) => {
    const field = lookup.get(normalizeHeader(cell));
    if (field === undefined) {
      throw new ImportFileError(
        'invalid_layout',
        `unknown column ${JSON.stringify(cell)} for the ${preset.name} preset: expected columns ${expectedColumns(preset)} (map it with the mapping option, or ignore it)`,
      );
    }
    if (field !== null && seen.has(field)) throw new ImportFileError('invalid_layout', `column ${JSON.stringify(cell)} repeats the ${field} column`);
    if (field !== null) seen.add(field);
    return field;
  });

  const missing = preset.required.filter((field) => !seen.has(field));
  if (missing.length > 0) {
    const names = missing.map((field) => options.mapping?.[field] ?? preset.columns[field]?.[0] ?? field);
    throw new ImportFileError('invalid_layout', `missing required column(s) ${names.join(', ')} for the ${preset.name} preset: expected columns ${expectedColumns(preset)}`);
  }
  return columns;
}

/** Reads the sample's complete lines to detect decimal and date conventions. */
function sampleValues(text: string, delimiter: CsvDelimiter, columns: Array<CsvField | null>): { amounts: string[]; dates: string[] } {
  const complete = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
  let rows: string[][] = [];
  try {
    rows = parseSync(complete, { delimiter, relax_column_count: true, skip_empty_lines: true, from_line: 2 }) as string[][];
  } catch {
    // A quoted field cut at the sample's end: detection falls back to the declared options.
  }
  const amounts: string[] = [];
  const dates: string[] = [];
  for (const row of rows) {
    columns.forEach((field, index) => {
      const value = row[index];
      if (value === undefined || field === null) return;
      if (field === 'amount' || field === 'amountDue') amounts.push(value);
      if (field === 'issueDate' || field === 'dueDate' || field === 'settledDate') dates.push(value);
    });
  }
  return { amounts, dates };
}

/** Imports invoices and customers from a CSV stream, one row per invoice or credit note. */
export async function importCsv(input: Readable, options: CsvImportOptions): Promise<ImportResult> {
  const preset = resolvePreset(options.preset);
  const builder = new ReportBuilder();

  const { head, stream } = await peekStream(input, sampleBytes);
  const { encoding } = detectTextEncoding(head, options.fallbackEncoding ?? 'windows1252', head.length < sampleBytes);
  if (encoding !== 'utf8') builder.warn(`the file is not UTF-8: read as ${encoding}`);
  const sampleText = decodeText(head, encoding);
  const firstLine = sampleText.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.trim() === '') throw new ImportFileError('unreadable', 'the file is empty or starts with an empty line: expected a header row');
  const delimiter = options.delimiter ?? detectDelimiter(firstLine);

  const parser = decodeStream(stream, encoding).pipe(
    parse({ delimiter, relax_column_count: true, skip_empty_lines: true, info: true, bom: true }),
  );

  const customers = new Map<string, ImportedCustomer>();
  const invoices: ImportedInvoice[] = [];
  const firstLineOfNumber = new Map<string, number>();
  let columns: Array<CsvField | null> | undefined;
  let conventions: Parameters<typeof buildRow>[2] | undefined;

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (columns === undefined) {
        columns = resolveColumns(record, preset, options);
        if (!columns.includes('currency') && options.currency === undefined) {
          throw new ImportFileError('invalid_layout', 'the file has no currency column: pass the currency option (an ISO 4217 code such as EUR)');
        }
        const samples = sampleValues(sampleText, delimiter, columns);
        const decimalStyle = options.decimalStyle ?? preset.decimalStyle ?? detectDecimalStyle(samples.amounts);
        const dateOrder = options.dateOrder ?? preset.dateOrder ?? detectDateOrder(samples.dates) ?? (decimalStyle === 'us' ? 'month_first' : 'day_first');
        if (decimalStyle === undefined) builder.warn('no amount shows its decimal mark: amounts read in French style (1 234,56)');
        conventions = { decimalStyle: decimalStyle ?? 'fr', dateOrder, defaultCurrency: options.currency, paymentTerms: options.paymentTerms };
        continue;
      }

      builder.rows += 1;
      if (builder.rows % progressEvery === 0) options.onProgress?.({ rows: builder.rows });
      if (record.length !== columns.length) {
        builder.reject(line, `expected ${columns.length} columns, found ${record.length}`);
        continue;
      }

      const cells: Partial<Record<CsvField, string>> = {};
      columns.forEach((field, index) => {
        if (field !== null) cells[field] = record[index];
      });

      try {
        const outcome = buildRow(cells, line, conventions!);
        const duplicateOf = firstLineOfNumber.get(outcome.invoice.number);
        if (duplicateOf !== undefined) {
          builder.reject(line, `duplicate invoice number ${JSON.stringify(outcome.invoice.number)}, first seen on line ${duplicateOf}`);
          continue;
        }
        firstLineOfNumber.set(outcome.invoice.number, line);
        for (const message of outcome.warnings) builder.warn(message, line);

        const known = customers.get(outcome.customer.externalRef);
        if (known === undefined) customers.set(outcome.customer.externalRef, outcome.customer);
        else if (known.name !== outcome.customer.name) {
          builder.warn(`customer ${JSON.stringify(known.externalRef)} is named ${JSON.stringify(outcome.customer.name)} here and ${JSON.stringify(known.name)} before: the first name is kept`, line);
        }
        invoices.push(outcome.invoice);
      } catch (error) {
        if (!(error instanceof InvalidCellError)) throw error;
        builder.reject(line, error.message);
      }
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError('unreadable', `the CSV cannot be read: ${(error as Error).message}`);
  }

  if (columns === undefined) throw new ImportFileError('unreadable', 'the file has no header row: expected a header and one row per invoice');
  options.onProgress?.({ rows: builder.rows });

  const acceptedRefs = new Set(invoices.map((invoice) => invoice.customerRef));
  const acceptedCustomers = [...customers.values()].filter((customer) => acceptedRefs.has(customer.externalRef));
  return finishImport({ format: 'csv', customers: acceptedCustomers, invoices, payments: [] }, builder, options.mode);
}
