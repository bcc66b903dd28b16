import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { importIntoLedger } from '../../api/services/imports.js';
import type { Sql } from '../../db/client.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { generateReceivableRows, receivableCsv } from '../unit/imports/generate.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/imports/${name}`, import.meta.url));
const producerFec = fixture('fec_fr_producteur_jus_2023_pseudonymise.txt');
const root = fileURLToPath(new URL('../..', import.meta.url));
const genericHeader = 'customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date';

/** Customer-account lines of the FEC, read with a plain split so the figures do not depend on the importer. */
async function fecCustomerLines() {
  const text = (await readFile(producerFec)).toString('latin1');
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

/** Sums what customers owe in the ledger: invoices due, less unused credit notes and unallocated cash. */
async function ledgerOpenBalance(sql: Sql): Promise<number> {
  const [row] = await sql<{ balance: number }[]>`
    select
      (select coalesce(sum(case when kind = 'invoice' then due_minor else -due_minor end), 0) from document_balances)
      - (select coalesce(sum(p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0)), 0)
         from payments p where p.invoice_number is null or not exists (
           select 1 from invoices i join customers c on c.id = i.customer_id where c.external_ref = p.customer_ref and i.number = p.invoice_number))
      as balance`;
  return Number(row!.balance);
}

async function tableCounts(sql: Sql) {
  const [row] = await sql<{ customers: number; invoices: number; payments: number; allocations: number }[]>`
    select (select count(*) from customers)::int as customers, (select count(*) from invoices)::int as invoices,
      (select count(*) from payments)::int as payments, (select count(*) from allocations)::int as allocations`;
  return row!;
}

let database: TestDatabase;
let directory: string;

beforeEach(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(path.join(os.tmpdir(), 'relance-import-'));
});

afterEach(async () => {
  await database?.drop();
});

describe('FEC import into the ledger', () => {
  it('matches the 411 balance', async () => {
    const lines = await fecCustomerLines();
    const balance = lines.reduce((sum, line) => sum + line.debitCents - line.creditCents, 0);

    const report = await importIntoLedger(database.sql, producerFec, { mode: 'all_or_nothing' });

    expect(balance).toBe(1441652);
    expect(report.committed).toBe(true);
    expect(report.rejected).toEqual([]);
    expect(await ledgerOpenBalance(database.sql)).toBe(balance);
  });

  it('creates every customer and document', async () => {
    const lines = await fecCustomerLines();

    const report = await importIntoLedger(database.sql, producerFec, { mode: 'all_or_nothing' });

    const counts = await tableCounts(database.sql);
    expect(report.created.customers).toBe(new Set(lines.map((line) => line.customer)).size);
    expect(report.created.invoices).toBe(lines.filter((line) => line.debitCents > 0).length);
    expect(report.created.creditNotes).toBe(lines.filter((line) => line.creditCents > 0 && ['VE', 'OD'].includes(line.journal)).length);
    expect(counts.customers).toBe(report.created.customers);
    expect(counts.invoices).toBe(report.created.invoices + report.created.creditNotes);
    expect(counts.payments).toBe(report.created.payments);
  });

  it('changes nothing on a re-import', async () => {
    const first = await importIntoLedger(database.sql, producerFec, { mode: 'all_or_nothing' });
    const countsBefore = await tableCounts(database.sql);

    const second = await importIntoLedger(database.sql, producerFec, { mode: 'all_or_nothing' });

    expect(second.committed).toBe(true);
    expect(second.created).toEqual({ customers: 0, invoices: 0, creditNotes: 0, payments: 0, allocations: 0 });
    expect(second.updated).toEqual({ customers: 0, invoices: 0 });
    expect(second.unchanged.customers).toBe(first.created.customers);
    expect(second.unchanged.invoices).toBe(first.created.invoices);
    expect(second.unchanged.creditNotes).toBe(first.created.creditNotes);
    expect(await tableCounts(database.sql)).toEqual(countsBefore);
    expect(await ledgerOpenBalance(database.sql)).toBe(1441652);
  });
});

describe('CSV import into the ledger', () => {
  it('records settled history as paid', async () => {
    const rows = generateReceivableRows(50);
    const file = path.join(directory, 'history.csv');
    await writeFile(file, receivableCsv(rows));

    const report = await importIntoLedger(database.sql, file, { mode: 'all_or_nothing', preset: 'accounts-receivable-history', currency: 'USD' });

    const [totals] = await database.sql<{ total: number; due: number; paid: number }[]>`
      select sum(total_minor)::bigint as total, sum(due_minor)::bigint as due, count(*) filter (where status = 'paid')::int as paid from document_balances`;
    expect(report.created.invoices).toBe(50);
    expect(Number(totals!.total)).toBe(rows.reduce((sum, row) => sum + row.amountCents, 0));
    expect(Number(totals!.due)).toBe(0);
    expect(totals!.paid).toBe(50);
  });

  it('commits good rows in partial mode', async () => {
    const csv = [genericHeader, 'C1;Dupont;F-1;EUR;10,00;15/01/2026;14/02/2026', 'C1;Dupont;F-2;EUR;abc;15/01/2026;', 'C2;Martin;F-3;EUR;25,00;20/01/2026;'].join('\n');
    const file = path.join(directory, 'partial.csv');
    await writeFile(file, `${csv}\n`);

    const report = await importIntoLedger(database.sql, file, { mode: 'partial' });

    expect(report.committed).toBe(true);
    expect(report.created.invoices).toBe(2);
    expect(report.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/non-numeric amount "abc"/) }]);
    const [open] = await database.sql<{ due: string }[]>`select to_char(due_date, 'YYYY-MM-DD') as due from invoices where number = 'F-3'`;
    expect(open!.due).toBe('2026-02-19');
    expect(report.warnings.some((warning) => warning.line === 4 && /L441-10/.test(warning.message))).toBe(true);
  });

  it('writes nothing when a row conflicts', async () => {
    const file = path.join(directory, 'ledger.csv');
    await writeFile(file, `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;14/02/2026\n`);
    await importIntoLedger(database.sql, file, { mode: 'all_or_nothing' });
    await writeFile(file, `${genericHeader}\nC1;Dupont;F-1;EUR;12,00;15/01/2026;14/02/2026\nC1;Dupont;F-9;EUR;5,00;16/01/2026;15/02/2026\n`);

    const strict = await importIntoLedger(database.sql, file, { mode: 'all_or_nothing' });
    const strictCount = (await tableCounts(database.sql)).invoices;
    const partial = await importIntoLedger(database.sql, file, { mode: 'partial' });

    expect(strict.committed).toBe(false);
    expect(strict.rejected).toEqual([{ line: 2, reason: expect.stringMatching(/F-1 of customer C1 is already stored with other values \(invoice, 1000 EUR\)/) }]);
    expect(strict.created.invoices).toBe(0);
    expect(strictCount).toBe(1);
    expect(partial.committed).toBe(true);
    expect(partial.created.invoices).toBe(1);
    expect(partial.rejected).toHaveLength(1);
  });

  it('updates a changed customer name', async () => {
    const file = path.join(directory, 'names.csv');
    await writeFile(file, `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;14/02/2026\n`);
    await importIntoLedger(database.sql, file, { mode: 'all_or_nothing' });
    await writeFile(file, `${genericHeader}\nC1;Dupont et Fils;F-1;EUR;10,00;15/01/2026;14/02/2026\n`);

    const report = await importIntoLedger(database.sql, file, { mode: 'all_or_nothing' });

    expect(report.updated.customers).toBe(1);
    expect(report.unchanged.invoices).toBe(1);
    const [customer] = await database.sql<{ name: string }[]>`select name from customers where external_ref = 'C1'`;
    expect(customer!.name).toBe('Dupont et Fils');
  });
});

describe('e-invoice import into the ledger', () => {
  const cents = (xml: string, element: string) => Math.round(Number(new RegExp(`<ram:${element}[^>]*>([^<]+)<`).exec(xml)![1]) * 100);

  it.each(['cii_cen_business_example_01.xml', 'cii_cen_example4.xml', 'facturx_fnfe_Facture_FR_EN16931.xml', 'facturx_fnfe_Facture_UE_EN16931.xml', 'facturx_fnfe_Avoir_FR_type381_EN16931.xml'])(
    'keeps the amount due of %s',
    async (name) => {
      const xml = await readFile(fixture(name), 'utf8');
      const number = /<rsm:ExchangedDocument>\s*<ram:ID>([^<]+)</.exec(xml)![1];

      const report = await importIntoLedger(database.sql, fixture(name), { mode: 'all_or_nothing' });

      const [document] = await database.sql<{ total_minor: number; due_minor: number; paid_minor: number }[]>`
        select total_minor, due_minor, paid_minor from document_balances where number = ${number!}`;
      expect(report.committed).toBe(true);
      expect(document!.total_minor).toBe(cents(xml, 'GrandTotalAmount'));
      expect(document!.due_minor).toBe(cents(xml, 'DuePayableAmount'));
      expect(document!.paid_minor).toBe(xml.includes('<ram:TotalPrepaidAmount') ? cents(xml, 'TotalPrepaidAmount') : 0);
    },
  );
});

describe('relance import command', () => {
  it('prints the report of a file', async () => {
    const file = path.join(directory, 'cli.csv');
    await writeFile(file, `${genericHeader}\nC1;Dupont;F-1;EUR;10,00;15/01/2026;14/02/2026\nC1;Dupont;F-2;EUR;abc;15/01/2026;\n`);
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [path.join(root, 'bin/relance.js'), ...args], { cwd: root, env: { ...process.env, DATABASE_URL: database.url } }).then(
        (output) => ({ code: 0, ...output }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );

    const strict = await run(['import', file]);
    const partial = await run(['import', file, '--partial', '--json']);

    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/Nothing imported from a csv file: 2 rows read/);
    expect(strict.stdout).toMatch(/line 3: non-numeric amount "abc"/);
    expect(partial.code).toBe(0);
    expect(JSON.parse(partial.stdout)).toMatchObject({ committed: true, created: { customers: 1, invoices: 1 }, rejected: [{ line: 3 }] });
  });
});
