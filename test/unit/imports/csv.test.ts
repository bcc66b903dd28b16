import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { importCsv } from '../../../imports/csv.js';
import { ImportFileError } from '../../../imports/records.js';
import { generateReceivableRows, isoDate, receivableCsv, streamOf } from './generate.js';

const genericHeader = 'customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date';

describe('accounts-receivable history preset', () => {
  it('imports twenty generated rows', async () => {
    const rows = generateReceivableRows(20);

    const result = await importCsv(streamOf(receivableCsv(rows)), { mode: 'all_or_nothing', preset: 'accounts-receivable-history', currency: 'USD' });

    expect(result.report.rows).toBe(20);
    expect(result.report.accepted).toBe(20);
    expect(result.report.rejected).toEqual([]);
    expect(result.invoices).toHaveLength(20);
    expect(result.customers).toHaveLength(new Set(rows.map((row) => row.customerId)).size);
    expect(result.invoices.reduce((sum, invoice) => sum + invoice.totalMinor, 0)).toBe(rows.reduce((sum, row) => sum + row.amountCents, 0));
    expect(result.invoices.filter((invoice) => invoice.disputed)).toHaveLength(rows.filter((row) => row.disputed).length);
    expect(result.invoices.every((invoice) => invoice.amountDueMinor === 0)).toBe(true);
  });

  it('reads US dates month first', async () => {
    const rows = generateReceivableRows(20);

    const result = await importCsv(streamOf(receivableCsv(rows)), { mode: 'all_or_nothing', preset: 'accounts-receivable-history', currency: 'USD' });

    rows.forEach((row, index) => {
      const invoice = result.invoices[index]!;
      expect(invoice.number).toBe(row.invoiceNumber);
      expect(invoice.issueDate).toBe(isoDate(row.invoiceDate));
      expect(invoice.dueDate).toBe(isoDate(row.dueDate));
      expect(invoice.settledDate).toBe(isoDate(row.settledDate));
      expect(invoice.source.line).toBe(index + 2);
    });
  });

  it('rejects a file without currency', async () => {
    const csv = receivableCsv(generateReceivableRows(2));

    await expect(importCsv(streamOf(csv), { mode: 'partial', preset: 'accounts-receivable-history' })).rejects.toThrow(/no currency column/);
  });
});

describe('generic preset', () => {
  it('reads French decimals and dates', async () => {
    const csv = `${genericHeader}\nC1;Dupont SA;F-001;EUR;1 234,56;31/12/2025;30/01/2026\nC2;Martin;F-002;EUR;12,50;05/01/2026;\n`;

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing' });

    expect(result.invoices.map((invoice) => invoice.totalMinor)).toEqual([123456, 1250]);
    expect(result.invoices[0]!.issueDate).toBe('2025-12-31');
    expect(result.invoices[0]!.dueDate).toBe('2026-01-30');
    expect(result.invoices[1]!.dueDate).toBeUndefined();
    expect(result.customers.map((customer) => customer.name)).toEqual(['Dupont SA', 'Martin']);
  });

  it('reads US decimals with commas', async () => {
    const csv = 'customer_ref,invoice_number,currency,amount,issue_date\nC1,F-1,USD,"1,234.56",12/31/2025\nC1,F-2,USD,99.90,01/02/2026\n';

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing' });

    expect(result.invoices.map((invoice) => invoice.totalMinor)).toEqual([123456, 9990]);
    expect(result.invoices.map((invoice) => invoice.issueDate)).toEqual(['2025-12-31', '2026-01-02']);
  });

  it('reads credit notes and disputes', async () => {
    const csv = 'client;facture;type;facture_origine;devise;montant;reste_du;date_facture;litige\nC1;F-1;facture;;EUR;100,00;100,00;02/01/2026;oui\nC1;AV-1;avoir;F-1;EUR;30,00;0,00;09/01/2026;non\n';

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing' });

    expect(result.invoices[0]).toMatchObject({ kind: 'invoice', totalMinor: 10000, amountDueMinor: 10000, disputed: true, issueDate: '2026-01-02' });
    expect(result.invoices[1]).toMatchObject({ kind: 'credit_note', totalMinor: 3000, amountDueMinor: 0, precedingInvoiceNumber: 'F-1', disputed: false });
  });

  it('detects a tab delimiter', async () => {
    const csv = 'customer_ref\tinvoice_number\tamount\tissue_date\nC1\tF-1\t10,00\t2026-01-15\n';

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing', currency: 'EUR' });

    expect(result.invoices[0]!.totalMinor).toBe(1000);
    expect(result.invoices[0]!.currency).toBe('EUR');
  });

  it('reads a Windows-1252 file', async () => {
    const csv = `${genericHeader}\nC1;Société Générale d'Équipement;F-1;EUR;10,00;15/01/2026;\n`;

    const result = await importCsv(streamOf(iconv.encode(csv, 'windows1252')), { mode: 'all_or_nothing' });

    expect(result.customers[0]!.name).toBe("Société Générale d'Équipement");
    expect(result.report.warnings.map((warning) => warning.message)).toContain('the file is not UTF-8: read as windows1252');
  });

  it('computes due dates from payment terms', async () => {
    const csv = `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;\n`;

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing', paymentTerms: { days: 90 } });

    expect(result.invoices[0]!.dueDate).toBe('2026-04-15');
    expect(result.report.warnings.some((warning) => /L441-10/.test(warning.message) && warning.line === 2)).toBe(true);
  });

  it('warns on a due date past the cap', async () => {
    const csv = `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;15/05/2026\nC1;Dupont;F-2;EUR;10,00;15/01/2026;31/03/2026\n`;

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing' });

    expect(result.report.warnings.filter((warning) => /L441-10/.test(warning.message)).map((warning) => warning.line)).toEqual([2]);
  });
});

describe('broken CSV files', () => {
  it('rejects an unknown column whole', async () => {
    const csv = 'customer_ref;invoice_number;amount;issue_date;colour\nC1;F-1;10,00;2026-01-15;red\n';

    const error = await importCsv(streamOf(csv), { mode: 'partial', currency: 'EUR' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toMatch(/unknown column "colour"/);
    expect((error as Error).message).toMatch(/expected columns customer_ref, customer_name/);
  });

  it('rejects a missing required column', async () => {
    const csv = 'customer_ref;invoice_number;amount\nC1;F-1;10,00\n';

    await expect(importCsv(streamOf(csv), { mode: 'partial', currency: 'EUR' })).rejects.toThrow(/missing required column\(s\) issue_date/);
  });

  it('rejects bad rows with their line', async () => {
    const csv = [
      genericHeader,
      'C1;Dupont;F-1;EUR;10,00;15/01/2026;',
      'C1;Dupont;F-1;EUR;20,00;16/01/2026;',
      'C2;Martin;F-2;EUR;-5,00;15/01/2026;',
      'C3;Durand;F-3;EUR;abc;15/01/2026;',
      'C4;Petit;F-4;EUR;10,00;2025-02-30;',
      'C5;Moreau;F-5;EUR;10,00;15/01/2026;',
    ].join('\n');

    const result = await importCsv(streamOf(csv), { mode: 'partial' });

    expect(result.report.rows).toBe(6);
    expect(result.report.accepted).toBe(2);
    expect(result.invoices.map((invoice) => invoice.number)).toEqual(['F-1', 'F-5']);
    expect(result.report.rejected).toEqual([
      { line: 3, reason: 'duplicate invoice number "F-1", first seen on line 2' },
      { line: 4, reason: expect.stringMatching(/^negative amount "-5,00"/) },
      { line: 5, reason: expect.stringMatching(/^non-numeric amount "abc"/) },
      { line: 6, reason: expect.stringMatching(/^invalid issue date "2025-02-30"/) },
    ]);
  });

  it('imports nothing when one row fails', async () => {
    const csv = `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;\nC2;Martin;F-2;EUR;10,00;30/02/2026;\n`;

    const result = await importCsv(streamOf(csv), { mode: 'all_or_nothing' });

    expect(result.invoices).toEqual([]);
    expect(result.customers).toEqual([]);
    expect(result.report.accepted).toBe(0);
    expect(result.report.rejected).toEqual([{ line: 3, reason: expect.stringContaining('"30/02/2026"') }]);
  });

  it('rejects a binary file whole', async () => {
    const binary = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]);

    await expect(importCsv(streamOf(binary), { mode: 'partial' })).rejects.toThrow(/binary data/);
  });

  it('rejects a truncated quoted field', async () => {
    const csv = `${genericHeader}\nC1;"Dupont SA;F-1;EUR;10,00;15/01/2026;\n`;

    await expect(importCsv(streamOf(csv), { mode: 'partial' })).rejects.toThrow(/the CSV cannot be read/);
  });
});

// The real payment history is not shipped: give its path in RELANCE_AR_CSV to check it.
describe.runIf(process.env.RELANCE_AR_CSV)('real accounts-receivable history', () => {
  it('imports every row', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(process.env.RELANCE_AR_CSV!, 'utf8').trim().split(/\r?\n/).slice(1);
    const totalCents = text.reduce((sum, line) => sum + Math.round(Number(line.split(',')[6]) * 100), 0);

    const result = await importCsv(streamOf(readFileSync(process.env.RELANCE_AR_CSV!)), { mode: 'all_or_nothing', preset: 'accounts-receivable-history', currency: 'USD' });

    expect(result.report.rejected).toEqual([]);
    expect(result.invoices).toHaveLength(text.length);
    expect(result.customers).toHaveLength(new Set(text.map((line) => line.split(',')[1])).size);
    expect(result.invoices.reduce((sum, invoice) => sum + invoice.totalMinor, 0)).toBe(totalCents);
  });
});
