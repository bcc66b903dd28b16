import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readInvoiceBalance } from '../../activities/balance.js';
import { importIntoLedger } from '../../api/services/imports.js';
import { invoiceCopyPdf } from '../../web/portal/invoice-pdf.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { pdfWithAttachment } from '../unit/imports/pdf.js';

// An imported Factur-X PDF is kept, and the portal's invoice copy is that original.

const fixture = fileURLToPath(new URL('../fixtures/imports/facturx_fnfe_Facture_FR_EN16931.xml', import.meta.url));

let database: TestDatabase;
let dataDir: string;

beforeEach(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-originals-'));
});

afterEach(async () => {
  await database.drop();
});

describe('Factur-X originals', () => {
  test('portal copy is the imported PDF', async () => {
    const pdf = await pdfWithAttachment(await readFile(fixture), 'factur-x.xml');
    const report = await importIntoLedger(database.sql, Readable.from([pdf]), { mode: 'all_or_nothing', dataDir });
    expect(report.committed).toBe(true);

    const [invoice] = await database.sql<{ id: string; number: string; issue_date: string; due_date: string; currency: string; source: Record<string, unknown> }[]>`
      select id, number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date, currency, source
      from invoices where kind = 'invoice'`;
    expect(invoice?.source.originalPdfPath).toMatch(/^originals\/[0-9a-f]{64}\.pdf$/);
    expect(await readFile(path.join(dataDir, String(invoice?.source.originalPdfPath)))).toEqual(pdf);

    const copy = await invoiceCopyPdf({
      invoice: { number: invoice!.number, issueDate: invoice!.issue_date, dueDate: invoice!.due_date, currency: invoice!.currency, source: invoice!.source },
      balance: await readInvoiceBalance(database.sql, invoice!.id),
      customer: { name: 'Buyer' },
      company: { name: 'Relance Demo SAS', siren: '552100554', address: '1 rue de la Paix, 75002 Paris' },
      language: 'fr',
      dataDir,
    });
    expect(copy).toEqual(pdf);
  });

  test('an XML import keeps no original', async () => {
    await importIntoLedger(database.sql, fixture, { mode: 'all_or_nothing', dataDir });

    const [invoice] = await database.sql<{ source: Record<string, unknown> }[]>`select source from invoices where kind = 'invoice'`;
    expect(invoice?.source.originalPdfPath).toBeUndefined();
  });
});
