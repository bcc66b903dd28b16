import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { InvalidDocumentPropsError } from '../../../emails/rendered-email.js';
import { renderFormalNoticePdf } from '../../../letters/formal-notice.js';
import { PDFTOPPM, countPageObjects, flatText, formalNoticeProps, parsePdfText, pdfText } from './fixtures.js';

const FRENCH_MENTIONS = [
  'Lettre recommandée avec accusé de réception',
  'Mise en demeure de payer la somme de 950,50 €',
  'articles 1344 et 1344-1 du Code civil',
  'article L441-10 du Code de commerce',
  'Banque centrale européenne',
  'majoré de 10 points de pourcentage',
  'soit 12,15 % l’an',
  'elles s’élèvent à 8,66 €',
  '40 euros',
  'D441-5',
  'soit 120,00 €',
  'au plus tard le 28 novembre 2026',
  'injonction de payer (articles 1405 et suivants du Code de procédure civile)',
  'Paris, le 20 novembre 2026',
  'SIREN 552 100 554',
  'SIREN 732 829 320',
  'Claire Dubois',
  'Pour Acme Industrie SAS,',
];

const ENGLISH_MENTIONS = [
  'Registered letter with acknowledgement of receipt',
  'French law governs this formal notice',
  'Formal notice (mise en demeure) to pay the sum of €950.50',
  'articles 1344 and 1344-1 of the French Civil Code',
  'article L441-10 of the French Commercial Code',
  'plus 10 percentage points',
  'that is 12.15% a year',
  'EUR 40',
  'D441-5',
  'by 28 November 2026 at the latest',
  'injonction de payer, articles 1405 et seq.',
  'Paris, 20 November 2026',
  'SIREN 552 100 554',
];

describe('renderFormalNoticePdf', () => {
  it('states French legal mentions', async () => {
    const { pdf } = await renderFormalNoticePdf(formalNoticeProps());
    const text = flatText(pdfText(pdf));

    for (const mention of FRENCH_MENTIONS) {
      expect(text, mention).toContain(mention);
    }
  });

  it('states English legal mentions', async () => {
    const { pdf } = await renderFormalNoticePdf(formalNoticeProps({ language: 'en' }));
    const text = flatText(pdfText(pdf));

    for (const mention of ENGLISH_MENTIONS) {
      expect(text, mention).toContain(mention);
    }
  });

  it('lists each invoice with its balance', async () => {
    const { pdf } = await renderFormalNoticePdf(formalNoticeProps());
    const text = flatText(pdfText(pdf));

    expect(text).toContain('F-2026-0101 1 sept. 2026 1 oct. 2026 100,00 € 0,00 € 100,00 €');
    expect(text).toContain('F-2026-0102 15 sept. 2026 15 oct. 2026 250,50 € 0,00 € 250,50 €');
    expect(text).toContain('F-2026-0103 1 oct. 2026 31 oct. 2026 1 000,00 € 400,00 € 600,00 €');
    expect(text).toContain('Total dû (EUR) 950,50 €');
  });

  it('omits business terms for consumers', async () => {
    const debtor = { name: 'Jean Petit', isBusiness: false, addressLines: ['3 rue des Lilas', '33000 Bordeaux'] };

    const { pdf } = await renderFormalNoticePdf(formalNoticeProps({ debtor, penalties: undefined }));
    const text = flatText(pdfText(pdf));

    expect(text).not.toContain('L441-10');
    expect(text).not.toContain('40 euros');
    expect(text).toContain('intérêts moratoires au taux légal sur les sommes dues (article 1344-1 du Code civil)');
    expect(text).toContain('Jean Petit');
  });

  it('renders identical bytes twice', async () => {
    const first = await renderFormalNoticePdf(formalNoticeProps());
    const second = await renderFormalNoticePdf(formalNoticeProps());
    const otherDate = await renderFormalNoticePdf(formalNoticeProps({ letterDate: '2026-11-21' }));

    expect(first.pdf.equals(second.pdf)).toBe(true);
    expect(first.pdf.equals(otherDate.pdf)).toBe(false);
    expect(first.pdf.toString('latin1')).toContain('(D:20261120000000Z)');
  });

  it('fits three invoices on one page', async () => {
    for (const language of ['fr', 'en'] as const) {
      const letter = await renderFormalNoticePdf(formalNoticeProps({ language }));

      expect(letter.pages, language).toBe(1);
      expect(countPageObjects(letter.pdf), language).toBe(1);
    }
  });

  it('counts pages of a long letter', async () => {
    const invoices = Array.from({ length: 70 }, (_, index) => ({
      number: `F-2026-${String(index + 1).padStart(4, '0')}`,
      issueDate: '2026-09-01',
      dueDate: '2026-10-01',
      currency: 'EUR',
      originalMinor: 10_000,
      paidMinor: 0,
      dueMinor: 10_000,
    }));

    const letter = await renderFormalNoticePdf(formalNoticeProps({ invoices, penalties: undefined }));
    const text = flatText(pdfText(letter.pdf));

    expect(letter.pages).toBeGreaterThan(1);
    expect(letter.pages).toBe(countPageObjects(letter.pdf));
    expect(text).toContain(`Page ${letter.pages}/${letter.pages}`);
    expect(text).toContain('F-2026-0070');
    expect(text).toContain('Total dû (EUR) 7 000,00 €');
  });

  it('parses legal mentions without poppler', async () => {
    const { pdf } = await renderFormalNoticePdf(formalNoticeProps());
    const text = flatText(parsePdfText(pdf));

    for (const mention of FRENCH_MENTIONS) {
      expect(text, mention).toContain(mention);
    }
  });

  it('rejects a deadline on the letter date', async () => {
    const rendering = renderFormalNoticePdf(formalNoticeProps({ paymentDeadline: '2026-11-20' }));

    await expect(rendering).rejects.toBeInstanceOf(InvalidDocumentPropsError);
    await expect(rendering).rejects.toThrow(/payment deadline 2026-11-20 is not after the letter date/);
  });

  it('rejects an unidentified business debtor', async () => {
    const debtor = { name: 'Boulangerie Martin SARL', isBusiness: true, addressLines: ['4 place du Marché', '69002 Lyon'] };

    await expect(renderFormalNoticePdf(formalNoticeProps({ debtor }))).rejects.toThrow(/neither SIREN nor VAT number/);
  });

  it('rejects an invoice with zero balance', async () => {
    const invoices = [{ number: 'F-2026-0104', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', originalMinor: 5_000, paidMinor: 5_000, dueMinor: 0 }];

    await expect(renderFormalNoticePdf(formalNoticeProps({ invoices, penalties: undefined }))).rejects.toThrow(/invoice F-2026-0104 has a balance due of 0/);
  });

  it.skipIf(!existsSync(PDFTOPPM))('writes first page as PNG', async () => {
    const outputDirectory = path.resolve('test/output');
    mkdirSync(outputDirectory, { recursive: true });

    for (const language of ['fr', 'en'] as const) {
      const { pdf } = await renderFormalNoticePdf(formalNoticeProps({ language }));
      const pdfFile = path.join(outputDirectory, `formal-notice-${language}.pdf`);
      writeFileSync(pdfFile, pdf);
      execFileSync(PDFTOPPM, ['-png', '-r', '100', '-f', '1', '-l', '1', '-singlefile', pdfFile, path.join(outputDirectory, `formal-notice-${language}`)]);

      const png = readFileSync(path.join(outputDirectory, `formal-notice-${language}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  });
});
