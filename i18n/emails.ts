import type { Language } from '../domain/scenario.js';
import { emailMessagesEn } from './emails.en.js';
import { emailMessagesFr } from './emails.fr.js';

// Message catalogue of the customer e-mails. Each language implements the whole
// interface, so a missing message is a type error.

export const REMINDER_TONES = ['courtesy', 'friendly', 'firm', 'final'] as const;
export type ReminderTone = (typeof REMINDER_TONES)[number];

/** The invoices a subject line refers to: one by its number, several by their count. */
export type InvoiceReference = { count: 1; number: string } | { count: number; number?: undefined };

export interface ReminderToneMessages {
  subject: (invoices: InvoiceReference) => string;
  /** Preview text shown by mail clients after the subject. */
  preview: (invoiceCount: number) => string;
  heading: (invoiceCount: number) => string;
  intro: (invoiceCount: number) => string;
  closing: string;
}

export interface EmailMessages {
  greeting: (recipientName: string | undefined) => string;
  signOff: string;
  /** Joins a label and its value with the language's punctuation ("Total : 5 €", "Total: €5"). */
  labelled: (label: string, value: string) => string;
  reminders: Record<ReminderTone, ReminderToneMessages>;
  table: {
    invoice: string;
    issueDate: string;
    dueDate: string;
    original: string;
    paid: string;
    balance: string;
    /** Lateness of an invoice `days` days past due. */
    overdueDays: (days: number) => string;
    /** Wording for an invoice due in `days` days (zero: due today). */
    notYetDue: (days: number) => string;
    /** Label of the total balance due in one currency. */
    totalDue: (currency: string) => string;
    invoiceLine: (number: string, issueDate: string, dueDate: string) => string;
    amountsLine: (original: string, paid: string, balance: string) => string;
  };
  penalties: {
    /** Late penalties at the legal rate and the 40 EUR indemnity, for business customers. */
    legalNotice: string;
    heading: string;
    penalty: string;
    indemnity: string;
    totalLine: (currency: string, total: string) => string;
  };
  actions: {
    intro: string;
    portal: string;
    pay: string;
    promise: string;
    dispute: string;
  };
  footer: {
    siren: (siren: string) => string;
    contact: (senderEmail: string) => string;
    noAttachment: string;
  };
  promiseConfirmation: {
    subject: (date: string, amount: string) => string;
    preview: (date: string) => string;
    heading: string;
    intro: (date: string, amount: string) => string;
    invoicesIntro: (invoiceCount: number) => string;
    pause: string;
    change: string;
  };
  portalLink: {
    subject: (creditorName: string) => string;
    preview: string;
    heading: string;
    intro: string;
    expires: (when: string) => string;
    notRequested: string;
  };
}

const CATALOGUES: Record<Language, EmailMessages> = { fr: emailMessagesFr, en: emailMessagesEn };

/** Returns the e-mail messages of the language. */
export function emailMessages(language: Language): EmailMessages {
  return CATALOGUES[language];
}
