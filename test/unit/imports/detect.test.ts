import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { detectFormat, importFile } from '../../../imports/detect.js';
import { generateReceivableRows, receivableCsv } from './generate.js';
import { pdfWithAttachment } from './pdf.js';

const fixturePath = (name: string) => fileURLToPath(new URL(`../../fixtures/imports/${name}`, import.meta.url));

describe('format detection', () => {
  it.each([
    ['fec_fr_producteur_jus_2023_pseudonymise.txt', 'fec'],
    ['fec_tryton_minimal.csv', 'fec'],
    ['cii_cen_example4.xml', 'cii'],
    ['facturx_fnfe_Facture_FR_MINIMUM.xml', 'factur-x'],
    ['ubl_cen_tc434_creditnote1.xml', 'ubl'],
    ['ubl_cen_tc434_example2.xml', 'ubl'],
  ])('detects %s as %s', (name, format) => {
    expect(detectFormat(readFileSync(fixturePath(name)))).toBe(format);
  });

  it('detects a PDF by content', async () => {
    const pdf = await pdfWithAttachment(readFileSync(fixturePath('facturx_fnfe_Facture_FR_EN16931.xml')), 'factur-x.xml');

    expect(detectFormat(pdf)).toBe('factur-x');
  });

  it('rejects binary content', () => {
    expect(() => detectFormat(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]))).toThrow(/binary/);
  });
});

describe('importFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'relance-imports-'));

  it('imports a misnamed FEC', async () => {
    const path = join(folder, 'ledger.dat');
    writeFileSync(path, readFileSync(fixturePath('fec_fr_producteur_jus_2023_pseudonymise.txt')));

    const result = await importFile(path, { mode: 'all_or_nothing', paymentTermsDays: 45 });

    expect(result.format).toBe('fec');
    expect(result.invoices.find((invoice) => invoice.number === 'VE-00000001')?.dueDate).toBe('2023-02-23');
  });

  it('imports a CSV with progress', async () => {
    const path = join(folder, 'history.csv');
    writeFileSync(path, receivableCsv(generateReceivableRows(20)));
    const progress: number[] = [];

    const result = await importFile(path, { mode: 'partial', preset: 'accounts-receivable-history', currency: 'EUR', onProgress: ({ rows }) => progress.push(rows) });

    expect(result.format).toBe('csv');
    expect(result.invoices).toHaveLength(20);
    expect(progress.at(-1)).toBe(20);
  });

  it('imports a Factur-X PDF', async () => {
    const path = join(folder, 'invoice.bin');
    writeFileSync(path, await pdfWithAttachment(readFileSync(fixturePath('facturx_fnfe_Facture_UE_EN16931.xml')), 'factur-x.xml'));

    const result = await importFile(path, { mode: 'all_or_nothing' });

    expect(result.format).toBe('factur-x');
    expect(result.invoices[0]).toMatchObject({ number: 'FA-2017-0008', totalMinor: 207676, amountDueMinor: 145376 });
  });

  it('rejects a truncated XML file', async () => {
    const path = join(folder, 'cut.xml');
    writeFileSync(path, '<?xml version="1.0"?>\n<Invoi');

    await expect(importFile(path, { mode: 'partial' })).rejects.toThrow(/neither a CII .* nor a UBL 2.1 invoice, or it is cut/);
  });
});
