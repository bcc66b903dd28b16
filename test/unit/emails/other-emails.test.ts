import { describe, expect, it } from 'vitest';

import { renderPortalLinkEmail } from '../../../emails/portal-link.js';
import { renderPromiseConfirmationEmail } from '../../../emails/promise-confirmation.js';
import { PORTAL_URL, creditor, expectedAmounts, hrefs, plainSpaces, tableRows, threeEuroInvoices } from './fixtures.js';

const LANGUAGES = ['fr', 'en'] as const;

const promiseProps = (language: 'fr' | 'en') => ({
  language,
  recipientName: 'Marie Dupont',
  customer: { name: 'Boulangerie Martin SARL', isBusiness: true },
  creditor,
  promise: { date: '2026-11-30', currency: 'EUR', amountMinor: 95_050 },
  invoices: threeEuroInvoices,
  asOfDate: '2026-11-15',
  portalUrl: PORTAL_URL,
});

const portalLinkProps = (language: 'fr' | 'en') => ({
  language,
  customer: { name: 'Boulangerie Martin SARL', isBusiness: true },
  creditor,
  portalUrl: PORTAL_URL,
  expiresAt: { instant: '2026-12-31T22:00:00Z', timeZone: 'Europe/Paris' },
});

describe('renderPromiseConfirmationEmail', () => {
  for (const language of LANGUAGES) {
    it(`confirms date, amount and invoices (${language})`, async () => {
      const email = await renderPromiseConfirmationEmail(promiseProps(language));
      const amounts = expectedAmounts[language];
      const rows = tableRows(plainSpaces(email.html));

      expect(plainSpaces(email.subject)).toContain(amounts.total);
      expect(email.subject).toContain(language === 'fr' ? '30 novembre 2026' : '30 November 2026');
      threeEuroInvoices.forEach((invoice, index) => {
        expect(rows.find((row) => row.includes(invoice.number))).toContain(amounts.balances[index]);
        expect(plainSpaces(email.text)).toContain(amounts.balances[index]);
      });
      expect(hrefs(email.html)).toContain(PORTAL_URL);
      expect(email.html).not.toMatch(/<img|<script/i);
      expect(Buffer.byteLength(email.html)).toBeLessThan(50 * 1024);
    });
  }

  it('rejects a promise dated in the past', async () => {
    const props = { ...promiseProps('fr'), promise: { date: '2026-11-01', currency: 'EUR', amountMinor: 95_050 } };

    await expect(renderPromiseConfirmationEmail(props)).rejects.toThrow(/promised date 2026-11-01 is before/);
  });

  it('rejects a zero promised amount', async () => {
    const props = { ...promiseProps('en'), promise: { date: '2026-11-30', currency: 'EUR', amountMinor: 0 } };

    await expect(renderPromiseConfirmationEmail(props)).rejects.toThrow(/promise\.amountMinor/);
  });

  it('rejects a currency of no invoice', async () => {
    const props = { ...promiseProps('en'), promise: { date: '2026-11-30', currency: 'USD', amountMinor: 1_000 } };

    await expect(renderPromiseConfirmationEmail(props)).rejects.toThrow(/no listed invoice is/);
  });
});

describe('renderPortalLinkEmail', () => {
  for (const language of LANGUAGES) {
    it(`carries the fresh link (${language})`, async () => {
      const email = await renderPortalLinkEmail(portalLinkProps(language));

      expect(email.subject).toContain('Acme Industrie SAS');
      expect(hrefs(email.html)).toEqual([PORTAL_URL]);
      expect(email.text).toContain(PORTAL_URL);
      expect(email.html).not.toMatch(/<img|<script/i);
    });
  }

  it('shows expiry in customer time zone', async () => {
    const french = await renderPortalLinkEmail(portalLinkProps('fr'));
    const english = await renderPortalLinkEmail({
      ...portalLinkProps('en'),
      expiresAt: { instant: '2026-12-31T22:00:00Z', timeZone: 'America/New_York' },
    });

    expect(french.text).toContain('31 décembre 2026 à 23:00');
    expect(english.text).toContain('31 December 2026 at 17:00');
  });

  it('rejects an unknown time zone', async () => {
    const props = { ...portalLinkProps('en'), expiresAt: { instant: '2026-12-31T22:00:00Z', timeZone: 'Mars/Olympus' } };

    await expect(renderPortalLinkEmail(props)).rejects.toThrow(/unknown IANA time zone "Mars\/Olympus"/);
  });
});
