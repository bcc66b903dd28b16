import type { ReminderEmailProps } from '../../../emails/reminder.js';

// Three EUR invoices: 100.00, 250.50, and 1,000.00 with 400.00 paid, so 950.50 is due.

export const PORTAL_URL = 'https://portal.relance.test/c/0f3a9c?sig=b41d7e';

export const creditor = {
  name: 'Acme Industrie SAS',
  siren: '552100554',
  address: '12 rue de la Paix, 75002 Paris',
  senderEmail: 'compta@acme.example',
};

export const threeEuroInvoices = [
  { number: 'F-2026-0101', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', originalMinor: 10_000, paidMinor: 0, dueMinor: 10_000 },
  { number: 'F-2026-0102', issueDate: '2026-09-15', dueDate: '2026-10-15', currency: 'EUR', originalMinor: 25_050, paidMinor: 0, dueMinor: 25_050 },
  { number: 'F-2026-0103', issueDate: '2026-10-01', dueDate: '2026-10-31', currency: 'EUR', originalMinor: 100_000, paidMinor: 40_000, dueMinor: 60_000 },
];

/** Expected balances per invoice and total, as each language prints them. */
export const expectedAmounts = {
  fr: { balances: ['100,00 €', '250,50 €', '600,00 €'], paid: '400,00 €', total: '950,50 €' },
  en: { balances: ['€100.00', '€250.50', '€600.00'], paid: '€400.00', total: '€950.50' },
} as const;

export function reminderProps(overrides: Partial<ReminderEmailProps> = {}): ReminderEmailProps {
  return {
    language: 'fr',
    tone: 'friendly',
    recipientName: 'Marie Dupont',
    customer: { name: 'Boulangerie Martin SARL', isBusiness: true },
    creditor,
    invoices: threeEuroInvoices,
    asOfDate: '2026-11-15',
    portalUrl: PORTAL_URL,
    ...overrides,
  };
}

/** Replaces the no-break spaces that Intl puts in amounts with plain spaces. */
export function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** Returns the HTML table rows (`<tr>...</tr>`) of a rendered e-mail. */
export function tableRows(html: string): string[] {
  return html.match(/<tr[\s>][\s\S]*?<\/tr>/g) ?? [];
}

/** Returns every href of a rendered e-mail, with HTML entities for "&" decoded. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => (match[1] ?? '').replace(/&amp;/g, '&'));
}
