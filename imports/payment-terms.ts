import { addDays, endOfMonth } from './dates.js';

/**
 * Payment terms in days from the invoice date. With `endOfMonth`, the due date is moved
 * to the last day of the month reached after `days` ("45 jours fin de mois" read as
 * invoice date + 45 days, then end of that month, the reading the DGCCRF accepts).
 */
export interface PaymentTerms {
  days: number;
  endOfMonth?: boolean;
}

// Code de commerce L441-10 I: at most 60 days from the invoice date, or 45 days end of month.
const maxDaysFromInvoiceDate = 60;
const maxDaysEndOfMonth = 45;

export function dueDateFor(issueDate: string, terms: PaymentTerms): string {
  const due = addDays(issueDate, terms.days);
  return terms.endOfMonth ? endOfMonth(due) : due;
}

/** Returns a warning when the terms exceed the caps of Code de commerce L441-10 I, else undefined. */
export function legalCapWarning(terms: PaymentTerms): string | undefined {
  if (terms.endOfMonth && terms.days > maxDaysEndOfMonth) {
    return `payment terms of ${terms.days} days end of month exceed the cap of ${maxDaysEndOfMonth} days end of month (Code de commerce L441-10)`;
  }
  if (!terms.endOfMonth && terms.days > maxDaysFromInvoiceDate) {
    return `payment terms of ${terms.days} days exceed the cap of ${maxDaysFromInvoiceDate} days from the invoice date (Code de commerce L441-10)`;
  }
  return undefined;
}

/**
 * Returns a warning when a due date lies beyond both legal caps of L441-10 I: 60 days
 * from the invoice date and 45 days end of month. Else undefined.
 */
export function dueDateCapWarning(issueDate: string, dueDate: string): string | undefined {
  const latestLegal = [addDays(issueDate, maxDaysFromInvoiceDate), endOfMonth(addDays(issueDate, maxDaysEndOfMonth))].sort()[1]!;
  if (dueDate <= latestLegal) return undefined;
  return `due date ${dueDate} is later than ${latestLegal}, the latest allowed for an invoice of ${issueDate} (Code de commerce L441-10: 60 days, or 45 days end of month)`;
}
