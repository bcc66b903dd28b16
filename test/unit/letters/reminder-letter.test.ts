import { describe, expect, it } from 'vitest';

import { renderReminderLetterPdf } from '../../../letters/reminder-letter.js';
import type { ReminderLetterProps } from '../../../letters/reminder-letter.js';
import { countPageObjects, flatText, formalNoticeProps, pdfText } from './fixtures.js';

function reminderLetterProps(overrides: Partial<ReminderLetterProps> = {}): ReminderLetterProps {
  const { paymentDeadline: _deadline, enclosures: _enclosures, ...props } = formalNoticeProps();
  return { ...props, ...overrides };
}

describe('renderReminderLetterPdf', () => {
  it('renders a plain French reminder', async () => {
    const letter = await renderReminderLetterPdf(reminderLetterProps());
    const text = flatText(pdfText(letter.pdf));

    expect(text).toContain('Objet : Relance : 3 factures impayées');
    expect(text).toContain('la somme de 950,50 € dans les meilleurs délais');
    expect(text).toContain('Total dû (EUR) 950,50 €');
    expect(text).toContain('L441-10');
    expect(text).not.toContain('recommandée');
    expect(text).not.toContain('mise en demeure');
    expect(letter.pages).toBe(countPageObjects(letter.pdf));
  });

  it('renders a plain English reminder', async () => {
    const letter = await renderReminderLetterPdf(reminderLetterProps({ language: 'en' }));
    const text = flatText(pdfText(letter.pdf));

    expect(text).toContain('Subject: Reminder: 3 invoices unpaid');
    expect(text).toContain('Please pay us the sum of €950.50');
    expect(text).toContain('EUR 40');
    expect(text).not.toContain('Registered letter');
  });

  it('names a single invoice in the subject', async () => {
    const [first] = reminderLetterProps().invoices;

    const letter = await renderReminderLetterPdf(reminderLetterProps({ invoices: [first!], penalties: undefined }));

    expect(flatText(pdfText(letter.pdf))).toContain('Relance : facture F-2026-0101 impayée');
  });

  it('totals currencies separately', async () => {
    const invoices = [
      ...reminderLetterProps().invoices,
      { number: 'US-1', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'USD', originalMinor: 5_000, paidMinor: 0, dueMinor: 5_000 },
    ];

    const letter = await renderReminderLetterPdf(reminderLetterProps({ language: 'en', invoices }));
    const text = flatText(pdfText(letter.pdf));

    expect(text).toContain('Total due (EUR) €950.50');
    expect(text).toContain('Total due (USD) US$50.00');
    expect(text).toContain('the sum of €950.50 and US$50.00');
  });

  it('renders identical bytes twice', async () => {
    const first = await renderReminderLetterPdf(reminderLetterProps());
    const second = await renderReminderLetterPdf(reminderLetterProps());

    expect(first.pdf.equals(second.pdf)).toBe(true);
  });

  it('rejects penalties for a consumer', async () => {
    const debtor = { name: 'Jean Petit', isBusiness: false, addressLines: ['3 rue des Lilas', '33000 Bordeaux'] };

    await expect(renderReminderLetterPdf(reminderLetterProps({ debtor }))).rejects.toThrow(/business customers only/);
  });
});
