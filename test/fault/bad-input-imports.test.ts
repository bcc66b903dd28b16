// Bad files sent to POST /v1/imports: each gets a 4xx problem-details body naming the value
// or the limit, the ledger keeps nothing of it, and the server still answers /health.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_EMBEDDED_FILE_BYTES } from '../../imports/einvoice-pdf.js';
import { createTestApi, type TestApi } from '../integration/api-app.js';
import { createDevEnvironment } from '../support/temporal.js';
import { facturXBomb, zipBomb } from '../fixtures/bad-input/zip-bomb.js';

const LEDGER_TABLES = ['customers', 'contacts', 'invoices', 'payments', 'allocations', 'write_offs', 'cases', 'case_events'] as const;
const GIB = 1024 * 1024 * 1024;

let environment: TestWorkflowEnvironment;
let api: TestApi;

const fixture = (name: string) => readFile(fileURLToPath(new URL(`../fixtures/bad-input/${name}`, import.meta.url)));

function multipart(filename: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `relance-${Date.now()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(filename: string, content: Buffer, query = '') {
  const body = multipart(filename, content);
  return api.app.inject({ method: 'POST', url: `/v1/imports${query}`, payload: body.payload, headers: { ...api.as.write, ...body.headers } });
}

/** Joins the problem's detail, rejected rows and field errors, one per line, as a reader reads them. */
function problemText(problem: { detail: string; report?: { rejected: { reason: string }[] }; errors?: { path: string; message: string }[] }): string {
  const reasons = problem.report?.rejected.map((row) => row.reason) ?? [];
  const errors = problem.errors?.map((error) => `${error.path}: ${error.message}`) ?? [];
  return [problem.detail, ...reasons, ...errors].join('\n');
}

async function countRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of LEDGER_TABLES) {
    const [row] = await api.database.sql<{ count: number }[]>`select count(*)::int as count from ${api.database.sql(table)}`;
    counts[table] = row?.count ?? -1;
  }
  return counts;
}

/** Every row of the ledger tables as text, to search for content that must never be stored. */
async function ledgerText(): Promise<string> {
  const parts: string[] = [];
  for (const table of LEDGER_TABLES) {
    const [row] = await api.database.sql<{ text: string | null }[]>`select string_agg(t::text, '\n') as text from ${api.database.sql(table)} t`;
    parts.push(row?.text ?? '');
  }
  return parts.join('\n');
}

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

interface BadFile {
  name: string;
  filename: string;
  content: () => Promise<Buffer>;
  query?: string;
  status: number;
  /** Text the problem details must contain: the bad value, column or limit. */
  named: RegExp;
}

const badFiles: BadFile[] = [
  { name: 'CSV without its required columns', filename: 'wrong-columns.csv', content: () => fixture('wrong-columns.csv'), status: 400, named: /missing required column\(s\) invoice_number/ },
  { name: 'FEC with wrong columns', filename: 'wrong-columns-fec.txt', content: () => fixture('wrong-columns-fec.txt'), status: 400, named: /column 7 is "PieceRef", expected CompAuxNum/ },
  { name: 'CSV dated 2025-02-30', filename: 'invalid-date.csv', content: () => fixture('invalid-date.csv'), status: 400, named: /invalid issue date "2025-02-30"/ },
  { name: 'FEC dated 20250230', filename: 'invalid-date-fec.txt', content: () => fixture('invalid-date-fec.txt'), status: 400, named: /invalid EcritureDate "20250230"/ },
  { name: 'CSV with a negative amount', filename: 'negative-amount.csv', content: () => fixture('negative-amount.csv'), status: 400, named: /negative amount "-100\.00"/ },
  { name: 'CSV with fractional cents', filename: 'fractional-amount.csv', content: () => fixture('fractional-amount.csv'), status: 400, named: /"10\.005": EUR has 2 decimals/ },
  { name: 'CSV above the safe integer', filename: 'huge-amount.csv', content: () => fixture('huge-amount.csv'), status: 400, named: /"90071992547409\.93": too large/ },
  { name: 'CSV in currency XXY', filename: 'unknown-currency.csv', content: () => fixture('unknown-currency.csv'), status: 400, named: /invalid currency "XXY"/ },
  {
    name: 'default currency XXY',
    filename: 'no-currency.csv',
    content: async () => Buffer.from('customer_ref;customer_name;invoice_number;amount;issue_date;due_date\nC-DEF;Dupont SARL;F-DEF-1;100.00;2026-01-05;2026-02-04\n'),
    query: '?currency=XXY',
    status: 400,
    named: /XXY/,
  },
  { name: 'negative payment terms', filename: 'terms.csv', content: () => fixture('negative-amount.csv'), query: '?paymentTermsDays=-1', status: 400, named: /querystring\.paymentTermsDays/ },
  { name: 'CSV forced as UBL', filename: 'invoices.csv', content: () => fixture('invalid-date.csv'), query: '?format=ubl', status: 400, named: /invoices\.csv: the XML is not well-formed/ },
  { name: 'empty file', filename: 'empty.csv', content: async () => Buffer.alloc(0), status: 400, named: /empty\.csv: the file is empty/ },
  { name: 'zip archive', filename: 'invoices.zip', content: async () => zipBomb(64 * 1024 * 1024), status: 400, named: /invoices\.zip: the file is binary/ },
  { name: 'UBL with an external entity', filename: 'xxe-ubl.xml', content: () => fixture('xxe-ubl.xml'), status: 400, named: /declares a DOCTYPE or entities/ },
  { name: 'CII with an external entity', filename: 'xxe-cii.xml', content: () => fixture('xxe-cii.xml'), status: 400, named: /declares a DOCTYPE or entities/ },
  { name: 'billion laughs', filename: 'billion-laughs.xml', content: () => fixture('billion-laughs.xml'), status: 400, named: /declares a DOCTYPE or entities/ },
  { name: 'Factur-X decompression bomb', filename: 'bomb.pdf', content: async () => facturXBomb(GIB), status: 400, named: new RegExp(`expands beyond the limit of ${MAX_EMBEDDED_FILE_BYTES} bytes`) },
];

describe('bad import files', () => {
  it.each(badFiles)('rejects $name', async ({ filename, content, query, status, named }) => {
    const before = await countRows();

    const response = await upload(filename, await content(), query);

    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('validation_failed');
    expect(problemText(response.json())).toMatch(named);
    expect(await countRows()).toEqual(before);
    expect((await api.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('rejects a body that is not multipart', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/v1/imports', headers: api.as.write, payload: { customers: [] } });

    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toBe('send the file as multipart/form-data with one file field');
  });

  it('rejects multipart without boundary', async () => {
    const before = await countRows();

    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/imports?format=csv',
      headers: { ...api.as.write, 'content-type': 'multipart/form-data' },
      payload: 'customer_ref;invoice_number\nC1;F-1\n',
    });

    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().detail).toMatch(/multipart body could not be read .*send multipart\/form-data with its boundary/);
    expect(await countRows()).toEqual(before);
  });

  it('rejects a multipart body without file', async () => {
    const boundary = 'relance-no-file';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`;

    const response = await api.app.inject({ method: 'POST', url: '/v1/imports', headers: { ...api.as.write, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });

    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toBe('the multipart body has no file: add one file field');
  });
});

describe('XML entities', () => {
  it('never reads the local file', async () => {
    const hostname = (await readFile('/etc/hostname', 'utf8')).trim();
    expect(hostname.length).toBeGreaterThan(0);

    for (const name of ['xxe-ubl.xml', 'xxe-cii.xml']) {
      const response = await upload(name, await fixture(name));

      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain(hostname);
    }
    expect(await ledgerText()).not.toContain(hostname);
  });

  it('rejects billion laughs quickly', async () => {
    const started = performance.now();

    const response = await upload('billion-laughs.xml', await fixture('billion-laughs.xml'));

    expect(response.statusCode).toBe(400);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(response.body).not.toContain('lollollol');
  });
});

describe('decompression bomb', () => {
  it('keeps memory below the expansion', async () => {
    const pdf = facturXBomb(GIB);
    const before = process.memoryUsage().rss;

    const response = await upload('bomb.pdf', pdf);
    const growth = process.memoryUsage().rss - before;

    expect(response.statusCode).toBe(400);
    expect(pdf.length).toBeLessThan(2 * 1024 * 1024);
    // Loose bound: the limit plus parser buffers, far below the 1 GiB the stream expands to.
    expect(growth).toBeLessThan(256 * 1024 * 1024);
  });
});

describe('injection strings in imports', () => {
  it('stores names exactly as written', async () => {
    const response = await upload('injection.csv', await fixture('injection.csv'));

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ committed: true, created: { customers: 4, invoices: 4 } });
    const customers = await api.database.sql<{ external_ref: string; name: string }[]>`select external_ref, name from customers where external_ref like 'C-INJ-%' order by external_ref`;
    expect(customers.map((customer) => customer.name)).toEqual([
      "'); drop table invoices;--",
      "<script>alert('relance')</script>",
      "=cmd|' /C calc'!A0",
      'Dupont\nSet-Cookie: injected=1',
    ]);
    const [traversal] = await api.database.sql<{ number: string }[]>`select number from invoices where number like '%passwd'`;
    expect(traversal?.number).toBe('../../etc/passwd');
    const [invoices] = await api.database.sql<{ count: number }[]>`select count(*)::int as count from invoices`;
    expect(invoices?.count).toBe(4);
  });
});
