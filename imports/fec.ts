import type { Readable } from 'node:stream';

import { parseCalendarDate } from './dates.js';
import { buildLedgerRecords } from './fec-ledger.js';
import { decimalToMinor, normalizeDecimal } from './money.js';
import type { PaymentTerms } from './payment-terms.js';
import type { ImportMode, ImportResult } from './records.js';
import { ImportFileError } from './records.js';
import { ReportBuilder, finishImport } from './report.js';
import { decodeText, detectTextEncoding, readAll } from './source.js';

// Columns of the Fichier des Écritures Comptables, in order (Livre des procédures
// fiscales, article A47 A-1). The article allows one Montant column with a Sens column
// (D or C) in place of the Debit and Credit columns.
export const fecColumns = [
  'JournalCode', 'JournalLib', 'EcritureNum', 'EcritureDate', 'CompteNum', 'CompteLib', 'CompAuxNum', 'CompAuxLib', 'PieceRef',
  'PieceDate', 'EcritureLib', 'Debit', 'Credit', 'EcritureLet', 'DateLet', 'ValidDate', 'Montantdevise', 'Idevise',
] as const;

export const fecSignedColumns = [
  'JournalCode', 'JournalLib', 'EcritureNum', 'EcritureDate', 'CompteNum', 'CompteLib', 'CompAuxNum', 'CompAuxLib', 'PieceRef',
  'PieceDate', 'EcritureLib', 'Montant', 'Sens', 'EcritureLet', 'DateLet', 'ValidDate', 'Montantdevise', 'Idevise',
] as const;

type FecColumn = (typeof fecColumns)[number] | (typeof fecSignedColumns)[number];
type FecLayout = readonly FecColumn[];

/** One line of a FEC, amounts in minor units of the accounting currency. */
export interface FecLine {
  line: number;
  journalCode: string;
  entryNumber: string;
  entryDate: string;
  account: string;
  accountLabel: string;
  auxiliaryAccount: string;
  auxiliaryLabel: string;
  pieceRef: string;
  pieceDate: string;
  label: string;
  debitMinor: number;
  creditMinor: number;
  letteringCode: string;
  letteringDate?: string;
  currencyCode: string;
}

export interface FecImportOptions {
  mode: ImportMode;
  /** Accounting currency of the Debit and Credit columns. */
  currency?: string;
  /** A FEC carries no due date: these terms compute one from the invoice date. */
  paymentTerms?: PaymentTerms;
  /** Journal codes of opening balances. */
  openingJournals?: string[];
  /** Journal codes of sales, besides entries that post to a revenue account (class 70). */
  salesJournals?: string[];
  onProgress?: (progress: { rows: number }) => void;
}

type Splitter = (text: string) => string[];

/** Finds where each column starts in a fixed-width header, or undefined when a column is missing. */
function columnStarts(header: string, layout: FecLayout): number[] | undefined {
  const starts: number[] = [];
  let from = 0;
  for (const column of layout) {
    const index = header.toLowerCase().indexOf(column.toLowerCase(), from);
    if (index < 0) return undefined;
    starts.push(index);
    from = index + column.length;
  }
  return starts;
}

/** Chooses how to cut lines from the header: '|' or tab separators, else fixed width at the header names. */
function splitterFor(header: string): Splitter {
  if (header.includes('|')) return (text) => text.split('|');
  if (header.includes('\t')) return (text) => text.split('\t');

  const starts = columnStarts(header, fecColumns) ?? columnStarts(header, fecSignedColumns);
  if (!starts) return (text) => [text];
  return (text) => starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

/** Returns the layout the header names, Debit and Credit or Montant and Sens. */
function checkHeader(cells: string[]): FecLayout {
  const names = cells.map((cell) => cell.trim().toLowerCase());
  while (names.length > fecColumns.length && names[names.length - 1] === '') names.pop();
  const layout = names[11] === 'montant' ? fecSignedColumns : fecColumns;
  const mismatch = layout.findIndex((column, index) => names[index] !== column.toLowerCase());
  if (mismatch >= 0 || names.length !== layout.length) {
    const found = cells[mismatch]?.trim() ?? 'nothing';
    const at = mismatch >= 0 ? `column ${mismatch + 1} is ${JSON.stringify(found)}, expected ${layout[mismatch]}` : `${names.length} columns found`;
    throw new ImportFileError(
      'invalid_layout',
      `not a FEC header: ${at}. A FEC has the 18 columns ${fecColumns.join(', ')}, or Montant and Sens in place of Debit and Credit (article A47 A-1 LPF)`,
    );
  }
  return layout;
}

function parseFecAmount(text: string, currency: string): number {
  const value = text.trim() === '' ? '0' : text;
  const decimal = normalizeDecimal(value, value.includes(',') ? 'fr' : 'us');
  if (decimal === undefined) throw new RangeError(`non-numeric amount ${JSON.stringify(text.trim())}: expected digits with a decimal comma`);
  const minor = decimalToMinor(decimal, currency);
  if (minor < 0) throw new RangeError(`negative amount ${JSON.stringify(text.trim())}: Debit, Credit and Montant are positive in a FEC`);
  return minor;
}

/** Reads the debit and credit of a line in either layout. */
function parseFecMovement(cell: (column: FecColumn) => string, layout: FecLayout, currency: string): { debitMinor: number; creditMinor: number } {
  if (layout === fecColumns) return { debitMinor: parseFecAmount(cell('Debit'), currency), creditMinor: parseFecAmount(cell('Credit'), currency) };

  const amount = parseFecAmount(cell('Montant'), currency);
  const direction = cell('Sens').toUpperCase();
  if (direction === 'D') return { debitMinor: amount, creditMinor: 0 };
  if (direction === 'C') return { debitMinor: 0, creditMinor: amount };
  throw new RangeError(`invalid Sens ${JSON.stringify(cell('Sens'))}: expected D for a debit or C for a credit`);
}

function parseFecDate(field: string, text: string, required: boolean): string | undefined {
  const value = text.trim();
  if (value === '' && !required) return undefined;
  const date = /^\d{8}$/.test(value) ? parseCalendarDate(value) : undefined;
  if (date === undefined) throw new RangeError(`invalid ${field} ${JSON.stringify(value)}: expected a real day as YYYYMMDD`);
  return date;
}

/** Decodes a FEC: UTF-8 with or without BOM, else ISO 8859-15, the Latin-1 variant A47 A-1 allows. */
export function decodeFec(bytes: Buffer): string {
  const { encoding } = detectTextEncoding(bytes, 'iso-8859-15', true);
  return decodeText(bytes, encoding);
}

/** Reads the lines of a FEC, rejecting malformed ones in the report. */
export function readFecLines(text: string, builder: ReportBuilder, currency: string): FecLine[] {
  const rawLines = text.split(/\r?\n/);
  const header = rawLines[0] ?? '';
  const split = splitterFor(header);
  const layout = checkHeader(split(header));

  const lines: FecLine[] = [];
  rawLines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    if (raw.trim() === '') return;
    builder.rows += 1;

    const cells = split(raw).map((cell) => cell.trim());
    if (cells.length < fecColumns.length) {
      builder.reject(line, `expected ${fecColumns.length} columns, found ${cells.length}: the line is cut or uses another separator`);
      return;
    }
    const cell = (column: FecColumn) => cells[layout.indexOf(column)] ?? '';

    try {
      lines.push({
        line,
        journalCode: cell('JournalCode').toUpperCase(),
        entryNumber: cell('EcritureNum'),
        entryDate: parseFecDate('EcritureDate', cell('EcritureDate'), true)!,
        account: cell('CompteNum'),
        accountLabel: cell('CompteLib'),
        auxiliaryAccount: cell('CompAuxNum'),
        auxiliaryLabel: cell('CompAuxLib'),
        pieceRef: cell('PieceRef'),
        pieceDate: parseFecDate('PieceDate', cell('PieceDate'), false) ?? parseFecDate('EcritureDate', cell('EcritureDate'), true)!,
        label: cell('EcritureLib'),
        ...parseFecMovement(cell, layout, currency),
        letteringCode: cell('EcritureLet'),
        letteringDate: parseFecDate('DateLet', cell('DateLet'), false),
        currencyCode: cell('Idevise').toUpperCase(),
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      builder.reject(line, error.message);
    }
  });
  return lines;
}

/**
 * Imports customers (accounts 411), invoices, credit notes and payments from a FEC.
 * NOTE: the whole file is read into memory, unlike the CSV import, which streams.
 */
export async function importFec(input: Readable, options: FecImportOptions): Promise<ImportResult> {
  const currency = options.currency ?? 'EUR';
  const builder = new ReportBuilder();
  const text = decodeFec(await readAll(input));

  const lines = readFecLines(text, builder, currency);
  options.onProgress?.({ rows: builder.rows });

  const records = buildLedgerRecords(lines, {
    currency,
    paymentTerms: options.paymentTerms,
    openingJournals: options.openingJournals ?? ['AN', 'RAN', 'ANO', 'AN0'],
    salesJournals: options.salesJournals ?? ['VE', 'VT', 'VTE', 'VEN'],
    builder,
  });
  return finishImport({ format: 'fec', ...records }, builder, options.mode);
}
