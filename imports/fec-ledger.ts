import type { FecLine } from './fec.js';
import { dueDateFor, legalCapWarning } from './payment-terms.js';
import type { PaymentTerms } from './payment-terms.js';
import type { ImportedCustomer, ImportedInvoice, ImportedPayment } from './records.js';
import type { ReportBuilder } from './report.js';

export interface LedgerOptions {
  currency: string;
  paymentTerms?: PaymentTerms;
  openingJournals: string[];
  salesJournals: string[];
  builder: ReportBuilder;
}

type EntryRole = 'opening' | 'sales' | 'bank' | 'other';

/** One movement on a customer account: a debit becomes an invoice, a credit a credit note or a payment. */
interface Item {
  source: FecLine;
  customerRef: string;
  amountMinor: number;
  side: 'debit' | 'credit';
  role: EntryRole;
  id: string;
  remainingMinor: number;
  allocations: Array<{ invoiceNumber: string; amountMinor: number }>;
  precedingInvoiceNumber?: string;
  settledDate?: string;
}

// Customer accounts of the French chart of accounts (PCG): 411 and its sub-accounts.
const isCustomerAccount = (account: string): boolean => account.startsWith('411');
// Class 70 is revenue (sales), class 51 is banks and class 53 is cash.
const isRevenueAccount = (account: string): boolean => account.startsWith('70');
const isCashAccount = (account: string): boolean => account.startsWith('51') || account.startsWith('53');

const entryKey = (line: FecLine): string => `${line.journalCode}#${line.entryNumber}`;

function formatMinor(minor: number): string {
  return (minor / 100).toFixed(2).replace('.', ',');
}

function classifyEntries(lines: FecLine[], options: LedgerOptions): Map<string, EntryRole> {
  const entries = new Map<string, FecLine[]>();
  for (const line of lines) {
    const entry = entries.get(entryKey(line));
    if (entry) entry.push(line);
    else entries.set(entryKey(line), [line]);
  }

  const roles = new Map<string, EntryRole>();
  for (const [key, entryLines] of entries) {
    const journal = entryLines[0]!.journalCode;
    const debit = entryLines.reduce((sum, line) => sum + line.debitMinor, 0);
    const credit = entryLines.reduce((sum, line) => sum + line.creditMinor, 0);
    if (debit !== credit) {
      options.builder.warn(`entry ${journal} ${entryLines[0]!.entryNumber} is unbalanced: debit ${formatMinor(debit)}, credit ${formatMinor(credit)}`, entryLines[0]!.line);
    }

    if (options.openingJournals.includes(journal)) roles.set(key, 'opening');
    else if (options.salesJournals.includes(journal) || entryLines.some((line) => isRevenueAccount(line.account))) roles.set(key, 'sales');
    else if (entryLines.some((line) => isCashAccount(line.account))) roles.set(key, 'bank');
    else roles.set(key, 'other');
  }
  return roles;
}

/** Names each item: the PieceRef when it identifies one entry, else journal and entry number. */
function assignIds(items: Item[]): void {
  const entriesPerPiece = new Map<string, Set<string>>();
  for (const item of items) {
    const entries = entriesPerPiece.get(item.source.pieceRef) ?? new Set<string>();
    entries.add(entryKey(item.source));
    entriesPerPiece.set(item.source.pieceRef, entries);
  }

  const used = new Set<string>();
  for (const item of items) {
    const piece = item.source.pieceRef;
    const base = piece !== '' && entriesPerPiece.get(piece)?.size === 1 ? piece : `${item.source.journalCode}-${item.source.entryNumber}`;
    let id = base;
    for (let suffix = 2; used.has(id); suffix += 1) id = `${base}-${suffix}`;
    used.add(id);
    item.id = id;
  }
}

/**
 * Matches credits to debits inside each lettering group (same customer, same EcritureLet),
 * oldest first. A group whose debits and credits differ is partial lettering: what the
 * credits do not cover stays open.
 */
function applyLettering(items: Item[], builder: ReportBuilder): void {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    if (item.source.letteringCode === '') continue;
    const key = `${item.customerRef}#${item.source.letteringCode}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }

  const byDate = (a: Item, b: Item) => a.source.pieceDate.localeCompare(b.source.pieceDate) || a.source.line - b.source.line;
  for (const group of groups.values()) {
    const debits = group.filter((item) => item.side === 'debit').sort(byDate);
    const credits = group.filter((item) => item.side === 'credit').sort(byDate);

    for (const credit of credits) {
      for (const debit of debits) {
        if (credit.remainingMinor === 0) break;
        const amount = Math.min(credit.remainingMinor, debit.remainingMinor);
        if (amount === 0) continue;
        debit.remainingMinor -= amount;
        credit.remainingMinor -= amount;
        credit.allocations.push({ invoiceNumber: debit.id, amountMinor: amount });
        credit.precedingInvoiceNumber ??= debit.id;
        if (debit.remainingMinor === 0) debit.settledDate = credit.source.letteringDate ?? credit.source.pieceDate;
      }
    }

    const debitTotal = debits.reduce((sum, item) => sum + item.amountMinor, 0);
    const creditTotal = credits.reduce((sum, item) => sum + item.amountMinor, 0);
    if (debitTotal !== creditTotal) {
      const first = group[0]!;
      builder.warn(
        `lettering ${first.source.letteringCode} of customer ${first.customerRef} is partial: debits ${formatMinor(debitTotal)}, credits ${formatMinor(creditTotal)}, ${formatMinor(Math.abs(debitTotal - creditTotal))} left open`,
        first.source.line,
      );
    }
  }
}

/** Builds customers, invoices, credit notes and payments from the customer accounts (411) of a FEC. */
export function buildLedgerRecords(
  lines: FecLine[],
  options: LedgerOptions,
): { customers: ImportedCustomer[]; invoices: ImportedInvoice[]; payments: ImportedPayment[] } {
  const { builder, currency } = options;
  const roles = classifyEntries(lines, options);

  const customers = new Map<string, ImportedCustomer>();
  const items: Item[] = [];
  for (const line of lines.filter((candidate) => isCustomerAccount(candidate.account))) {
    const customerRef = line.auxiliaryAccount || line.account;
    if (!customers.has(customerRef)) {
      customers.set(customerRef, { externalRef: customerRef, name: line.auxiliaryLabel || line.accountLabel || customerRef, isBusiness: true });
    }
    if (line.currencyCode !== '' && line.currencyCode !== currency) {
      builder.warn(`amount in ${line.currencyCode} (Montantdevise) not used: the invoice is imported in ${currency} from Debit and Credit`, line.line);
    }

    const net = line.debitMinor - line.creditMinor;
    if (net === 0) continue;
    const role = roles.get(entryKey(line))!;
    const side = net > 0 ? 'debit' : 'credit';
    if (role === 'other' || (role === 'bank' && side === 'debit')) {
      const becomes = side === 'debit' ? 'an invoice' : 'a credit note';
      builder.warn(`${side} on customer account in journal ${line.journalCode} imported as ${becomes}`, line.line);
    }
    items.push({ source: line, customerRef, amountMinor: Math.abs(net), side, role, id: '', remainingMinor: Math.abs(net), allocations: [] });
  }

  if (items.length === 0) builder.warn('no line on a customer account (411): nothing to import from this FEC');
  assignIds(items);
  applyLettering(items, builder);

  const terms = options.paymentTerms;
  if (terms === undefined) {
    builder.warn('a FEC carries no due dates: pass payment terms to compute them from the invoice dates');
  } else {
    const capWarning = legalCapWarning(terms);
    if (capWarning) builder.warn(capWarning);
  }
  const openingCount = items.filter((item) => item.role === 'opening').length;
  if (openingCount > 0) builder.warn(`${openingCount} opening balance line(s) imported with the opening date as issue date, since the FEC does not keep the original dates`);

  const invoices: ImportedInvoice[] = [];
  const payments: ImportedPayment[] = [];
  for (const item of items) {
    const issueDate = item.source.pieceDate;
    const isPayment = item.side === 'credit' && (item.role === 'bank' || item.role === 'opening');
    if (isPayment) {
      payments.push({ customerRef: item.customerRef, reference: item.id, amountMinor: item.amountMinor, currency, receivedOn: issueDate, allocations: item.allocations });
      continue;
    }

    const kind = item.side === 'debit' ? 'invoice' : 'credit_note';
    invoices.push({
      kind,
      customerRef: item.customerRef,
      number: item.id,
      currency,
      totalMinor: item.amountMinor,
      amountDueMinor: item.remainingMinor,
      issueDate,
      dueDate: kind === 'invoice' && terms !== undefined ? dueDateFor(issueDate, terms) : undefined,
      paymentTermsDays: kind === 'invoice' ? terms?.days : undefined,
      precedingInvoiceNumber: kind === 'credit_note' ? item.precedingInvoiceNumber : undefined,
      settledDate: item.remainingMinor === 0 ? (item.settledDate ?? item.source.letteringDate) : undefined,
      source: { format: 'fec', line: item.source.line },
    });
  }

  return { customers: [...customers.values()], invoices, payments };
}
