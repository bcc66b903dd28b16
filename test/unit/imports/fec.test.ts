import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { importFec } from '../../../imports/fec.js';
import type { ImportResult } from '../../../imports/records.js';
import { streamOf } from './generate.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/imports/${name}`, import.meta.url));
const producerFec = readFileSync(fixture('fec_fr_producteur_jus_2023_pseudonymise.txt'));

const header = 'JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise';

/** Lines on customer accounts, read with a plain split so the figures do not depend on the importer. */
function customerLines(text: string) {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => cells[4]?.startsWith('411'))
    .map((cells) => ({
      journal: cells[0]!,
      customer: cells[6] || cells[4]!,
      debitCents: Math.round(Number(cells[11]!.replace(',', '.')) * 100),
      creditCents: Math.round(Number(cells[12]!.replace(',', '.')) * 100),
    }));
}

/** Open amount the records leave: invoices owed, less unused credit notes and unallocated cash. */
function openBalance(result: ImportResult): number {
  const invoices = result.invoices.reduce((sum, invoice) => sum + (invoice.kind === 'invoice' ? invoice.amountDueMinor : -invoice.amountDueMinor), 0);
  const unallocated = result.payments.reduce(
    (sum, payment) => sum + payment.amountMinor - payment.allocations.reduce((allocated, allocation) => allocated + allocation.amountMinor, 0),
    0,
  );
  return invoices - unallocated;
}

describe('FEC of a juice producer', () => {
  it('matches the 411 balance', async () => {
    const lines = customerLines(producerFec.toString('latin1'));
    const balance = lines.reduce((sum, line) => sum + line.debitCents - line.creditCents, 0);

    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing' });

    expect(balance).toBe(1441652);
    expect(openBalance(result)).toBe(balance);
  });

  it('imports every customer movement', async () => {
    const lines = customerLines(producerFec.toString('latin1'));

    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing' });

    expect(result.report.rows).toBe(934);
    expect(result.report.rejected).toEqual([]);
    expect(result.customers).toHaveLength(new Set(lines.map((line) => line.customer)).size);
    expect(result.invoices.filter((invoice) => invoice.kind === 'invoice')).toHaveLength(lines.filter((line) => line.debitCents > 0).length);
    expect(result.invoices.filter((invoice) => invoice.kind === 'credit_note')).toHaveLength(lines.filter((line) => line.creditCents > 0 && ['VE', 'OD'].includes(line.journal)).length);
    expect(result.payments).toHaveLength(lines.filter((line) => line.creditCents > 0 && ['C1', 'CIC', 'AN'].includes(line.journal)).length);
    expect(result.payments.reduce((sum, payment) => sum + payment.amountMinor, 0)).toBe(
      lines.filter((line) => ['C1', 'CIC', 'AN'].includes(line.journal)).reduce((sum, line) => sum + line.creditCents, 0),
    );
  });

  it('settles lettered invoices', async () => {
    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing' });

    const first = result.invoices.find((invoice) => invoice.number === 'VE-00000001')!;
    expect(first).toMatchObject({ customerRef: '41101590', totalMinor: 7470, amountDueMinor: 0, issueDate: '2023-01-09', settledDate: '2023-02-09' });
    const unlettered = result.invoices.find((invoice) => invoice.number === 'VE-00000011')!;
    expect(unlettered).toMatchObject({ customerRef: '41104752', totalMinor: 11142, amountDueMinor: 11142 });
    expect(unlettered.settledDate).toBeUndefined();
    const payment = result.payments.find((candidate) => candidate.reference === 'CIC-00000167')!;
    expect(payment.allocations).toEqual([{ invoiceNumber: 'VE-00000001', amountMinor: 7470 }]);
  });

  it('links a credit note to its invoice', async () => {
    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing' });

    const creditNote = result.invoices.find((invoice) => invoice.number === 'VE-00000012')!;
    expect(creditNote).toMatchObject({ kind: 'credit_note', totalMinor: 7406, amountDueMinor: 0, precedingInvoiceNumber: 'VE-00000009' });
  });

  it('imports opening balances as open items', async () => {
    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing' });

    const opening = result.invoices.filter((invoice) => invoice.issueDate === '2023-01-01');
    expect(opening).toHaveLength(13);
    const openingCredit = result.payments.find((payment) => payment.customerRef === '41104251' && payment.receivedOn === '2023-01-01')!;
    expect(openingCredit).toMatchObject({ amountMinor: 5603, allocations: [] });
  });

  it('warns on terms past the cap', async () => {
    const result = await importFec(streamOf(producerFec), { mode: 'all_or_nothing', paymentTerms: { days: 50, endOfMonth: true } });

    const first = result.invoices.find((invoice) => invoice.number === 'VE-00000001')!;
    expect(first.dueDate).toBe('2023-02-28');
    expect(result.report.warnings.map((warning) => warning.message)).toContain(
      'payment terms of 50 days end of month exceed the cap of 45 days end of month (Code de commerce L441-10)',
    );
  });
});

describe('FEC from Tryton', () => {
  it('finds no customer account', async () => {
    const result = await importFec(streamOf(readFileSync(fixture('fec_tryton_minimal.csv'))), { mode: 'all_or_nothing' });

    expect(result.report.rows).toBe(4);
    expect(result.report.rejected).toEqual([]);
    expect(result.invoices).toEqual([]);
    expect(result.report.warnings.map((warning) => warning.message)).toContain('no line on a customer account (411): nothing to import from this FEC');
  });
});

describe('written FEC files', () => {
  const partial = [
    header,
    'VE|Ventes|1|20260105|41100000|Clients|C001|Société Café|FA-1|20260105|Facture|120,00|0,00|AA|20260210|20260105||',
    'VE|Ventes|1|20260105|70600000|Prestations|||FA-1|20260105|Facture|0,00|100,00|||20260105||',
    'VE|Ventes|1|20260105|44571000|TVA|||FA-1|20260105|Facture|0,00|20,00|||20260105||',
    'BQ|Banque|2|20260210|41100000|Clients|C001|Société Café|VIR-1|20260210|Virement|0,00|50,00|AA|20260210|20260210||',
    'BQ|Banque|2|20260210|51200000|Banque|||VIR-1|20260210|Virement|50,00|0,00|||20260210||',
  ];

  it('leaves partial lettering open', async () => {
    const result = await importFec(streamOf(iconv.encode(partial.join('\r\n'), 'latin1')), { mode: 'all_or_nothing', paymentTerms: { days: 30 } });

    expect(result.customers).toEqual([{ externalRef: 'C001', name: 'Société Café', isBusiness: true }]);
    expect(result.invoices).toEqual([
      expect.objectContaining({ number: 'FA-1', totalMinor: 12000, amountDueMinor: 7000, dueDate: '2026-02-04', paymentTermsDays: 30 }),
    ]);
    expect(result.payments).toEqual([expect.objectContaining({ reference: 'VIR-1', amountMinor: 5000, allocations: [{ invoiceNumber: 'FA-1', amountMinor: 5000 }] })]);
    expect(result.report.warnings.map((warning) => warning.message)).toContain('lettering AA of customer C001 is partial: debits 120,00, credits 50,00, 70,00 left open');
  });

  it('reads tab separated UTF-8 with BOM', async () => {
    const text = '\ufeff' + partial.map((line) => line.replaceAll('|', '\t')).join('\n');

    const result = await importFec(streamOf(text), { mode: 'all_or_nothing' });

    expect(result.customers[0]!.name).toBe('Société Café');
    expect(openBalance(result)).toBe(7000);
  });

  it('reads fixed-width columns', async () => {
    const rows = partial.map((line) => line.split('|'));
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)) + 2);
    const text = rows.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('')).join('\n');

    const result = await importFec(streamOf(text), { mode: 'all_or_nothing' });

    expect(text).not.toContain('|');
    expect(result.report.rows).toBe(5);
    expect(result.invoices[0]).toMatchObject({ number: 'FA-1', customerRef: 'C001', totalMinor: 12000, amountDueMinor: 7000 });
  });

  it('rejects bad lines with their value', async () => {
    const broken = [...partial];
    broken[4] = broken[4]!.replace('20260210|41100000', '20260230|41100000');
    broken[1] = broken[1]!.replace('120,00', '12O,00');

    const result = await importFec(streamOf(broken.join('\n')), { mode: 'partial' });

    expect(result.report.rejected).toEqual([
      { line: 2, reason: 'non-numeric amount "12O,00": expected digits with a decimal comma' },
      { line: 5, reason: 'invalid EcritureDate "20260230": expected a real day as YYYYMMDD' },
    ]);
    expect(result.report.accepted).toBe(3);
  });

  /** Rewrites Debit and Credit (columns 12 and 13) as Montant and Sens. */
  const signed = (lines: string[]) =>
    lines.map((line, index) => {
      const cells = line.split('|');
      if (index === 0) cells.splice(11, 2, 'Montant', 'Sens');
      else cells.splice(11, 2, cells[11] === '0,00' ? cells[12]! : cells[11]!, cells[11] === '0,00' ? 'C' : 'D');
      return cells.join('|');
    });

  it('reads Montant and Sens columns', async () => {
    const text = signed(partial).join('\n');

    const result = await importFec(streamOf(text), { mode: 'all_or_nothing', paymentTerms: { days: 30 } });

    expect(text.split('\n')[0]).toContain('|Montant|Sens|');
    expect(result.invoices).toEqual([expect.objectContaining({ number: 'FA-1', totalMinor: 12000, amountDueMinor: 7000 })]);
    expect(result.payments).toEqual([expect.objectContaining({ reference: 'VIR-1', amountMinor: 5000 })]);
  });

  it('rejects an unknown Sens', async () => {
    const lines = signed(partial);
    lines[4] = lines[4]!.replace('|50,00|C|', '|50,00|X|');

    const result = await importFec(streamOf(lines.join('\n')), { mode: 'partial' });

    expect(result.report.rejected).toEqual([{ line: 5, reason: 'invalid Sens "X": expected D for a debit or C for a credit' }]);
  });

  it('rejects a header that is no FEC', async () => {
    const text = ['JournalCode|JournalLib|EcritureNum', 'VE|Ventes|1'].join('\n');

    await expect(importFec(streamOf(text), { mode: 'partial' })).rejects.toThrow(/not a FEC header.*18 columns JournalCode/);
  });
});
