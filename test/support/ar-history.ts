// Writes a synthetic receivables history in the layout of the public accounts-receivable
// sample (columns countryCode, customerID, PaperlessDate, invoiceNumber, InvoiceDate,
// DueDate, InvoiceAmount, Disputed, SettledDate, PaperlessBill, DaysToSettle, DaysLate;
// US dates, amounts without currency). The same options always give the same file.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { addDays, daysBetween } from '../../domain/dates.js';

/** How an invoice of the history is settled. */
export type SettlementProfile = 'paid_early' | 'paid_late' | 'disputed' | 'never_paid';

export interface GeneratedInvoice {
  customerRef: string;
  invoiceNumber: string;
  issueDate: string;
  dueDate: string;
  amountMinor: number;
  profile: SettlementProfile;
  /** Undefined for an invoice never paid. */
  settledDate?: string;
}

export interface ArHistoryOptions {
  customers?: number;
  invoices?: number;
  /** First invoice date, YYYY-MM-DD. */
  firstIssueDate?: string;
  /** Days over which the invoice dates spread. */
  spanDays?: number;
  seed?: number;
}

const HEADER = 'countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate';
const TERMS_DAYS = 30;
// The profiles repeat in this order, so that any history of 4 invoices or more has each one.
const PROFILES: SettlementProfile[] = ['paid_early', 'paid_late', 'disputed', 'paid_late', 'never_paid', 'paid_early'];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function usDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${month}/${day}/${year}`;
}

function settledDateOf(profile: SettlementProfile, issueDate: string, dueDate: string, random: () => number): string | undefined {
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  switch (profile) {
    case 'paid_early':
      return addDays(issueDate, between(3, TERMS_DAYS - 8));
    case 'paid_late':
      return addDays(dueDate, between(3, 40));
    case 'disputed':
      return addDays(dueDate, between(12, 45));
    case 'never_paid':
      return undefined;
  }
}

/** Generates the invoices of a history: each customer in turn, invoice dates spread over the span, profiles in a fixed rotation. */
export function generateArHistory(options: ArHistoryOptions = {}): GeneratedInvoice[] {
  const customers = options.customers ?? 4;
  const count = options.invoices ?? 30;
  const firstIssueDate = options.firstIssueDate ?? '2013-01-07';
  const spanDays = options.spanDays ?? 60;
  const random = randomFrom(options.seed ?? 1);

  const invoices: GeneratedInvoice[] = [];
  for (let index = 0; index < count; index += 1) {
    const issueDate = addDays(firstIssueDate, Math.floor((index * spanDays) / count));
    const dueDate = addDays(issueDate, TERMS_DAYS);
    const profile = PROFILES[index % PROFILES.length]!;
    invoices.push({
      customerRef: `${String(1000 + (index % customers))}-CUST`,
      invoiceNumber: String(700_000 + index),
      issueDate,
      dueDate,
      amountMinor: 2_000 + Math.floor(random() * 200_000),
      profile,
      settledDate: settledDateOf(profile, issueDate, dueDate, random),
    });
  }
  return invoices;
}

/** Renders invoices as CSV rows of the accounts-receivable layout. */
export function renderArHistory(invoices: GeneratedInvoice[]): string {
  const rows = invoices.map((invoice) => {
    const settled = invoice.settledDate;
    const daysToSettle = settled === undefined ? '' : String(daysBetween(invoice.issueDate, settled));
    const daysLate = settled === undefined ? '' : String(Math.max(0, daysBetween(invoice.dueDate, settled)));
    return [
      '391', invoice.customerRef, usDate(invoice.issueDate), invoice.invoiceNumber, usDate(invoice.issueDate), usDate(invoice.dueDate),
      (invoice.amountMinor / 100).toFixed(2), invoice.profile === 'disputed' ? 'Yes' : 'No', settled === undefined ? '' : usDate(settled),
      'Electronic', daysToSettle, daysLate,
    ].join(',');
  });
  return `${[HEADER, ...rows].join('\n')}\n`;
}

/** Writes a generated history to a new temporary folder and returns the file's path with its invoices. */
export async function writeArHistory(options: ArHistoryOptions = {}): Promise<{ file: string; invoices: GeneratedInvoice[] }> {
  const invoices = generateArHistory(options);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'relance-ar-history-'));
  const file = path.join(folder, 'accounts-receivable.csv');
  await writeFile(file, renderArHistory(invoices));
  return { file, invoices };
}
