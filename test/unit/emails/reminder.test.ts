import { describe, expect, it } from 'vitest';

import { InvalidDocumentPropsError } from '../../../emails/rendered-email.js';
import { renderReminderEmail } from '../../../emails/reminder.js';
import { REMINDER_TONES } from '../../../i18n/emails.js';
import { PORTAL_URL, expectedAmounts, hrefs, plainSpaces, reminderProps, tableRows, threeEuroInvoices } from './fixtures.js';

const MAX_HTML_BYTES = 50 * 1024;
const LANGUAGES = ['fr', 'en'] as const;

describe('renderReminderEmail', () => {
  for (const language of LANGUAGES) {
    for (const tone of REMINDER_TONES) {
      it(`renders ${tone} tone in ${language}`, async () => {
        const email = await renderReminderEmail(reminderProps({ language, tone }));
        const html = plainSpaces(email.html);
        const text = plainSpaces(email.text);
        const amounts = expectedAmounts[language];

        const htmlBytes = Buffer.byteLength(email.html, 'utf8');
        expect(htmlBytes).toBeLessThan(MAX_HTML_BYTES);
        expect(email.subject).toContain('3');

        const rows = tableRows(html);
        threeEuroInvoices.forEach((invoice, index) => {
          const row = rows.find((candidate) => candidate.includes(invoice.number));
          expect(row, `row of ${invoice.number}`).toBeDefined();
          expect(row).toContain(amounts.balances[index]);
          expect(text).toContain(invoice.number);
          expect(text).toContain(amounts.balances[index]);
        });
        expect(html).toContain(amounts.paid);
        expect(html).toContain(amounts.total);
        expect(text).toContain(amounts.total);

        expect(email.html).not.toMatch(/<img/i);
        expect(email.html).not.toMatch(/<script/i);
        expect(email.html).not.toMatch(/<link[\s>]/i);
        expect(email.html).not.toMatch(/url\(|@import|@font-face/i);

        expect(hrefs(email.html)).toContain(PORTAL_URL);
        expect(text).toContain(PORTAL_URL);
      });
    }
  }

  it('stays under 50 KB for 50 invoices', async () => {
    const invoices = Array.from({ length: 50 }, (_, index) => ({
      ...threeEuroInvoices[0]!,
      number: `F-2026-${String(index + 1).padStart(4, '0')}`,
    }));

    const email = await renderReminderEmail(reminderProps({ tone: 'firm', invoices }));

    expect(Buffer.byteLength(email.html, 'utf8')).toBeLessThan(MAX_HTML_BYTES);
    expect(email.html).toContain('F-2026-0050');
  });

  it('links only to the portal pages', async () => {
    const email = await renderReminderEmail(reminderProps({ tone: 'firm' }));

    const links = hrefs(email.html);

    expect(links.sort()).toEqual(
      [
        PORTAL_URL,
        'https://portal.relance.test/c/0f3a9c/pay?sig=b41d7e',
        'https://portal.relance.test/c/0f3a9c/promise?sig=b41d7e',
        'https://portal.relance.test/c/0f3a9c/dispute?sig=b41d7e',
      ].sort(),
    );
    expect(email.text).toContain('https://portal.relance.test/c/0f3a9c/promise?sig=b41d7e');
  });

  it('names a single invoice in the subject', async () => {
    const [first] = threeEuroInvoices;

    const french = await renderReminderEmail(reminderProps({ invoices: [first!] }));
    const english = await renderReminderEmail(reminderProps({ language: 'en', tone: 'final', invoices: [first!] }));

    expect(french.subject).toBe('Rappel : facture F-2026-0101 en attente de règlement');
    expect(english.subject).toBe('Final notice before formal demand: invoice F-2026-0101');
  });

  it('counts days overdue per invoice', async () => {
    const email = await renderReminderEmail(reminderProps({ language: 'en' }));

    expect(email.text).toContain('(45 days overdue)');
    expect(email.text).toContain('(31 days overdue)');
    expect(email.text).toContain('(15 days overdue)');
  });

  it('shows courtesy invoices as not yet due', async () => {
    const invoices = [{ ...threeEuroInvoices[0]!, dueDate: '2026-11-20' }];

    const email = await renderReminderEmail(reminderProps({ tone: 'courtesy', invoices }));

    expect(email.subject).toBe('Échéance prochaine de la facture F-2026-0101');
    expect(email.text).toContain('(dans 5 jours)');
  });

  it('formats JPY without decimals', async () => {
    const invoices = [{ number: 'JP-7', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'JPY', originalMinor: 150_000, paidMinor: 0, dueMinor: 150_000 }];

    const french = await renderReminderEmail(reminderProps({ invoices }));
    const english = await renderReminderEmail(reminderProps({ language: 'en', invoices }));

    expect(plainSpaces(french.text)).toContain('150 000 JPY');
    expect(english.text).toContain('JP¥150,000');
    expect(english.text).not.toMatch(/150,000\.\d/);
  });

  it('formats KWD with three decimals', async () => {
    const invoices = [{ number: 'KW-9', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'KWD', originalMinor: 1_234_567, paidMinor: 1_000, dueMinor: 1_233_567 }];

    const french = await renderReminderEmail(reminderProps({ invoices }));
    const english = await renderReminderEmail(reminderProps({ language: 'en', invoices }));

    expect(plainSpaces(french.html)).toContain('1 233,567 KWD');
    expect(plainSpaces(english.html)).toContain('KWD 1,233.567');
    expect(plainSpaces(english.text)).toContain('KWD 1.000');
  });

  it('totals each currency separately', async () => {
    const invoices = [
      ...threeEuroInvoices,
      { number: 'US-1', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'USD', originalMinor: 5_000, paidMinor: 0, dueMinor: 5_000 },
    ];

    const email = await renderReminderEmail(reminderProps({ language: 'en', invoices }));

    expect(email.text).toContain('Total due (EUR): €950.50');
    expect(email.text).toContain('Total due (USD): US$50.00');
    expect(email.html).not.toContain('1,000.50');
  });

  it('rejects an invoice with zero balance', async () => {
    const invoices = [threeEuroInvoices[0]!, { ...threeEuroInvoices[1]!, paidMinor: 25_050, dueMinor: 0 }];

    const rendering = renderReminderEmail(reminderProps({ invoices }));

    await expect(rendering).rejects.toBeInstanceOf(InvalidDocumentPropsError);
    await expect(rendering).rejects.toThrow(/invoice F-2026-0102 has a balance due of 0/);
  });

  it('rejects an empty invoice list', async () => {
    await expect(renderReminderEmail(reminderProps({ invoices: [] }))).rejects.toThrow(/no invoice to show/);
  });

  it('rejects a balance above amount less paid', async () => {
    const invoices = [{ ...threeEuroInvoices[2]!, dueMinor: 100_000 }];

    await expect(renderReminderEmail(reminderProps({ invoices }))).rejects.toThrow(/invoice F-2026-0103 has a balance due of 100000/);
  });

  it('rejects a portal URL that is not http', async () => {
    await expect(renderReminderEmail(reminderProps({ portalUrl: 'javascript:alert(1)' }))).rejects.toThrow(/portalUrl/);
  });

  it('rejects a line break in the subject', async () => {
    const invoices = [{ ...threeEuroInvoices[0]!, number: 'F-1\nBcc: someone@example.com' }];

    await expect(renderReminderEmail(reminderProps({ invoices }))).rejects.toThrow(/single line/);
  });
});

describe('firm reminder legal terms', () => {
  for (const language of LANGUAGES) {
    it(`mentions indemnity to business (${language})`, async () => {
      const email = await renderReminderEmail(reminderProps({ language, tone: 'firm' }));

      for (const part of [email.html, email.text]) {
        expect(part).toContain('L441-10');
        expect(part).toContain('D441-5');
        expect(plainSpaces(part)).toMatch(/40 €|EUR 40/);
      }
    });

    it(`omits indemnity for consumers (${language})`, async () => {
      const customer = { name: 'Jean Petit', isBusiness: false };

      const email = await renderReminderEmail(reminderProps({ language, tone: 'firm', customer }));

      for (const part of [email.html, email.text]) {
        expect(part).not.toContain('L441-10');
        expect(part).not.toContain('D441-5');
        expect(plainSpaces(part)).not.toMatch(/40 €|EUR 40/);
      }
    });
  }

  it('omits indemnity in friendly tone', async () => {
    const email = await renderReminderEmail(reminderProps({ tone: 'friendly' }));

    expect(email.text).not.toContain('D441-5');
  });

  it('lists claimed penalties per invoice', async () => {
    const penalties = [
      { invoiceNumber: 'F-2026-0101', currency: 'EUR', penaltyMinor: 153, indemnityMinor: 4_000 },
      { invoiceNumber: 'F-2026-0102', currency: 'EUR', penaltyMinor: 210, indemnityMinor: 4_000 },
    ];

    const email = await renderReminderEmail(reminderProps({ tone: 'firm', penalties }));
    const text = plainSpaces(email.text);

    expect(text).toContain('Pénalités de retard 1,53 €');
    expect(text).toContain('Pénalités de retard 2,10 €');
    expect(text).toContain('Total des pénalités et indemnités (EUR) : 83,63 €');
  });

  it('rejects penalties for a consumer', async () => {
    const penalties = [{ invoiceNumber: 'F-2026-0101', currency: 'EUR', penaltyMinor: 153, indemnityMinor: 4_000 }];
    const customer = { name: 'Jean Petit', isBusiness: false };

    await expect(renderReminderEmail(reminderProps({ tone: 'firm', customer, penalties }))).rejects.toThrow(/business customers only/);
  });

  it('rejects penalties on an unlisted invoice', async () => {
    const penalties = [{ invoiceNumber: 'F-9999', currency: 'EUR', penaltyMinor: 153, indemnityMinor: 4_000 }];

    await expect(renderReminderEmail(reminderProps({ tone: 'firm', penalties }))).rejects.toThrow(/invoice F-9999, which is not in the invoice list/);
  });
});
