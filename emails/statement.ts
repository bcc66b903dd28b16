import type { Language } from '../domain/scenario.js';
import { daysOverdue, formatMoney, formatShortDate } from './format.js';
import type { InvoiceLine, PenaltyLine } from './schema.js';

// The statement shown by every reminder: one line per invoice with its own balance, and
// totals per currency. Amounts in different currencies are never added together.

export interface StatementLine {
  number: string;
  issueDate: string;
  dueDate: string;
  /** Days past the due date on the statement date; zero or negative when not yet due. */
  daysOverdue: number;
  original: string;
  paid: string;
  balance: string;
}

export interface CurrencyTotal {
  currency: string;
  originalMinor: number;
  paidMinor: number;
  dueMinor: number;
  original: string;
  paid: string;
  due: string;
}

export interface PenaltyStatementLine {
  invoiceNumber: string;
  penalty: string;
  indemnity: string;
}

export interface PenaltyTotal {
  currency: string;
  penaltyMinor: number;
  indemnityMinor: number;
  penalty: string;
  indemnity: string;
  /** Penalties plus indemnities in this currency. */
  total: string;
}

export interface Statement {
  lines: StatementLine[];
  /** One total per currency, in the order the currencies first appear. */
  totals: CurrencyTotal[];
  penaltyLines: PenaltyStatementLine[];
  penaltyTotals: PenaltyTotal[];
}

/** Builds the formatted statement of the invoices, as of `asOfDate`, in the language. */
export function buildStatement(
  invoices: InvoiceLine[],
  asOfDate: string,
  language: Language,
  penalties: PenaltyLine[] = [],
): Statement {
  const lines = invoices.map((invoice) => ({
    number: invoice.number,
    issueDate: formatShortDate(invoice.issueDate, language),
    dueDate: formatShortDate(invoice.dueDate, language),
    daysOverdue: daysOverdue(invoice.dueDate, asOfDate),
    original: formatMoney(invoice.originalMinor, invoice.currency, language),
    paid: formatMoney(invoice.paidMinor, invoice.currency, language),
    balance: formatMoney(invoice.dueMinor, invoice.currency, language),
  }));

  const sums = new Map<string, { originalMinor: number; paidMinor: number; dueMinor: number }>();
  for (const invoice of invoices) {
    const sum = sums.get(invoice.currency) ?? { originalMinor: 0, paidMinor: 0, dueMinor: 0 };
    sum.originalMinor += invoice.originalMinor;
    sum.paidMinor += invoice.paidMinor;
    sum.dueMinor += invoice.dueMinor;
    sums.set(invoice.currency, sum);
  }
  const totals = [...sums.entries()].map(([currency, sum]) => ({
    currency,
    ...sum,
    original: formatMoney(sum.originalMinor, currency, language),
    paid: formatMoney(sum.paidMinor, currency, language),
    due: formatMoney(sum.dueMinor, currency, language),
  }));

  const penaltyLines = penalties.map((penalty) => ({
    invoiceNumber: penalty.invoiceNumber,
    penalty: formatMoney(penalty.penaltyMinor, penalty.currency, language),
    indemnity: formatMoney(penalty.indemnityMinor, penalty.currency, language),
  }));

  const penaltySums = new Map<string, { penaltyMinor: number; indemnityMinor: number }>();
  for (const penalty of penalties) {
    const sum = penaltySums.get(penalty.currency) ?? { penaltyMinor: 0, indemnityMinor: 0 };
    sum.penaltyMinor += penalty.penaltyMinor;
    sum.indemnityMinor += penalty.indemnityMinor;
    penaltySums.set(penalty.currency, sum);
  }
  const penaltyTotals = [...penaltySums.entries()].map(([currency, sum]) => ({
    currency,
    ...sum,
    penalty: formatMoney(sum.penaltyMinor, currency, language),
    indemnity: formatMoney(sum.indemnityMinor, currency, language),
    total: formatMoney(sum.penaltyMinor + sum.indemnityMinor, currency, language),
  }));

  return { lines, totals, penaltyLines, penaltyTotals };
}

/** Appends `segment` ("pay", "promise", "dispute") to the portal URL's path, keeping its signed query. */
export function portalActionUrl(portalUrl: string, segment: 'pay' | 'promise' | 'dispute'): string {
  const url = new URL(portalUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${segment}`;
  return url.toString();
}
