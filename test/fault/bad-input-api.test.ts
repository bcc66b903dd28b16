// Bad JSON bodies sent to the /v1 API: each gets a 4xx problem-details body naming the field
// or value, the database keeps nothing of it, and the server still answers /health.
// Injection strings are legitimate text: stored as written, rendered escaped in HTML.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createUser } from '../../api/services/users.js';
import { escapeHtml } from '../../web/layout.js';
import { PortalClient, portalUrlOf, seedCustomer, startPortalStack, type PortalStack } from '../integration/portal-harness.js';

const TABLES = ['customers', 'contacts', 'invoices', 'payments', 'allocations', 'write_offs', 'cases', 'case_events', 'tasks', 'carbon_ledger', 'scenarios', 'idempotent_requests'] as const;
const PASSWORD = 'correct horse battery staple';
const BODY_LIMIT = 1_048_576;

let stack: PortalStack;
let injection: Record<'sql' | 'html' | 'csvFormula' | 'headerCrlf' | 'pathTraversal', string>;

async function countRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await stack.db.sql<{ count: number }[]>`select count(*)::int as count from ${stack.db.sql(table)}`;
    counts[table] = row?.count ?? -1;
  }
  return counts;
}

async function send(method: string, url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}${url}`, { method, headers: { ...stack.apiHeaders, 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as { code: string; detail: string; errors?: { path: string; message: string }[] } };
}

/** Joins the problem's detail and field errors, one per line, as a reader reads them. */
function problemText(problem: { detail: string; errors?: { path: string; message: string }[] }): string {
  return [problem.detail, ...(problem.errors ?? []).map((error) => `${error.path}: ${error.message}`)].join('\n');
}

const today = new Date().toISOString().slice(0, 10);
const customer = { externalRef: 'BI-1', name: 'Entrées Invalides SARL' };
const invoice = { customerRef: 'BI-1', number: 'F-BI-NEW', currency: 'EUR', totalMinor: 10_000, issueDate: '2026-01-05', dueDate: '2026-02-04', startCase: false };
const payment = { customerRef: 'BI-1', reference: 'VIR-BI-NEW', amountMinor: 10_000, currency: 'EUR', receivedOn: today };
const beyondSafe = '9007199254740993';

interface BadRequest {
  name: string;
  method?: string;
  url: string;
  /** Raw body text, so that invalid JSON and numbers beyond 2^53 reach the server as written. */
  body: string;
  headers?: Record<string, string>;
  status: number;
  named: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);
const withField = (base: Record<string, unknown>, field: string, value: string) => json(base).replace(/}$/, `,"${field}":${value}}`);

const badRequests: BadRequest[] = [
  { name: 'customer name as number', url: '/v1/customers', body: json({ ...customer, name: 42 }), status: 400, named: /body\.name: Invalid input: expected string/ },
  { name: 'customer without externalRef', url: '/v1/customers', body: json({ name: 'Sans Référence' }), status: 400, named: /body\.externalRef/ },
  { name: 'customer time zone Mars', url: '/v1/customers', body: json({ ...customer, timeZone: 'Mars/Olympus' }), status: 400, named: /body\.timeZone.*Mars\/Olympus/ },
  { name: 'contact e-mail invalid', url: '/v1/customers', body: json({ ...customer, contacts: [{ role: 'invoicing', email: 'not-an-address' }] }), status: 400, named: /body\.contacts\.0\.email/ },
  { name: 'customer body as array', url: '/v1/customers', body: json([customer]), status: 400, named: /expected object/ },
  { name: 'invoice dated 2025-02-30', url: '/v1/invoices', body: json({ ...invoice, issueDate: '2025-02-30' }), status: 400, named: /body\.issueDate: invalid calendar date "2025-02-30"/ },
  { name: 'invoice amount negative', url: '/v1/invoices', body: json({ ...invoice, totalMinor: -100 }), status: 400, named: /body\.totalMinor: expected 0 or more/ },
  { name: 'invoice amount fractional', url: '/v1/invoices', body: json({ ...invoice, totalMinor: 100.5 }), status: 400, named: /body\.totalMinor: expected a whole number of minor units/ },
  { name: 'invoice amount beyond 2^53', url: '/v1/invoices', body: withField({ ...invoice, totalMinor: undefined }, 'totalMinor', beyondSafe), status: 400, named: /body\.totalMinor/ },
  { name: 'invoice amount as string', url: '/v1/invoices', body: json({ ...invoice, totalMinor: '10000' }), status: 400, named: /body\.totalMinor: expected an amount in minor units/ },
  { name: 'invoice currency XXY', url: '/v1/invoices', body: json({ ...invoice, currency: 'XXY' }), status: 400, named: /body\.currency: invalid currency "XXY"/ },
  { name: 'invoice due before issue', url: '/v1/invoices', body: json({ ...invoice, dueDate: '2026-01-01' }), status: 400, named: /body\.dueDate: dueDate must not be before issueDate/ },
  { name: 'invoice of unknown customer', url: '/v1/invoices', body: json({ ...invoice, customerRef: 'NOPE-404' }), status: 404, named: /customer "NOPE-404" not found/ },
  { name: 'payment amount zero', url: '/v1/payments', body: json({ ...payment, amountMinor: 0 }), status: 400, named: /body\.amountMinor: expected more than 0 minor units/ },
  { name: 'payment amount negative', url: '/v1/payments', body: json({ ...payment, amountMinor: -5 }), status: 400, named: /body\.amountMinor: expected more than 0 minor units/ },
  { name: 'payment amount fractional', url: '/v1/payments', body: json({ ...payment, amountMinor: 1.5 }), status: 400, named: /body\.amountMinor: expected a whole number/ },
  { name: 'payment amount beyond 2^53', url: '/v1/payments', body: withField({ ...payment, amountMinor: undefined }, 'amountMinor', beyondSafe), status: 400, named: /body\.amountMinor/ },
  { name: 'payment currency XXY', url: '/v1/payments', body: json({ ...payment, currency: 'XXY' }), status: 400, named: /body\.currency: invalid currency "XXY"/ },
  { name: 'payment dated 2025-02-30', url: '/v1/payments', body: json({ ...payment, receivedOn: '2025-02-30' }), status: 400, named: /body\.receivedOn: invalid calendar date "2025-02-30"/ },
  { name: 'payment received in future', url: '/v1/payments', body: json({ ...payment, receivedOn: '2099-01-01' }), status: 400, named: /receivedOn 2099-01-01 is in the future/ },
  { name: 'allocation to bad id', url: '/v1/payments/not-a-uuid/allocations', body: json({ allocations: [{ invoiceId: randomUUID(), amountMinor: 1 }] }), status: 400, named: /params\.id/ },
  { name: 'task outcome unknown', url: `/v1/tasks/${randomUUID()}/complete`, body: json({ outcome: 'shouted' }), status: 400, named: /body\.outcome/ },
  { name: 'task promise 2025-02-30', url: `/v1/tasks/${randomUUID()}/complete`, body: json({ outcome: 'reached_promised', promisedDate: '2025-02-30', amountMinor: 100, durationMinutes: 3 }), status: 400, named: /body\.promisedDate: invalid calendar date "2025-02-30"/ },
  { name: 'invalid JSON', url: '/v1/customers', body: '{"externalRef": "BI-2", "name": ', status: 400, named: /the body is not valid JSON/ },
  { name: 'empty JSON body', url: '/v1/customers', body: '', status: 400, named: /the body is empty but Content-Type is application\/json/ },
  { name: 'prototype pollution', url: '/v1/customers', body: '{"externalRef":"BI-3","name":"Proto","__proto__":{"isAdmin":true}}', status: 400, named: /__proto__/ },
  { name: 'NUL character', url: '/v1/customers', body: json({ externalRef: 'BI-4', name: 'Nul\u0000SARL' }), status: 400, named: /body\.name contains a NUL character/ },
  { name: 'plain text body', url: '/v1/customers', body: 'externalRef=BI-5', headers: { 'content-type': 'text/plain' }, status: 400, named: /expected object, received string/ },
  { name: 'XML body', url: '/v1/customers', body: '<customer/>', headers: { 'content-type': 'application/xml' }, status: 415, named: /content type "application\/xml" is not accepted/ },
  {
    name: 'body above the limit',
    url: '/v1/customers',
    body: json({ ...customer, address: 'x'.repeat(BODY_LIMIT) }),
    status: 413,
    named: new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`),
  },
];

beforeAll(async () => {
  stack = await startPortalStack();
  injection = JSON.parse(await readFile(fileURLToPath(new URL('../fixtures/bad-input/injection-strings.json', import.meta.url)), 'utf8')) as typeof injection;
  await send('POST', '/v1/customers', json(customer));
  await createUser(stack.db.sql, { email: 'admin@bad-input.example', role: 'admin', language: 'fr', password: PASSWORD });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('bad API requests', () => {
  it.each(badRequests)('rejects $name', async ({ method, url, body, headers, status, named }) => {
    const before = await countRows();

    const response = await send(method ?? 'POST', url, body, headers);

    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.type).toMatch(/^application\/problem\+json/);
    expect(problemText(response.body)).toMatch(named);
    expect(await countRows()).toEqual(before);
    expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
  });

  it('rejects a reused idempotency key', async () => {
    const key = randomUUID();
    await send('POST', '/v1/payments', json({ ...payment, reference: 'VIR-BI-KEY' }), { 'idempotency-key': key });
    const before = await countRows();

    const response = await send('POST', '/v1/payments', json({ ...payment, reference: 'VIR-BI-OTHER' }), { 'idempotency-key': key });

    expect(response.status).toBe(422);
    expect(response.body.detail).toContain(`Idempotency-Key "${key}" was already used with another request body`);
    expect(await countRows()).toEqual(before);
  });
});

async function signIn(): Promise<PortalClient> {
  const client = new PortalClient();
  const form = await client.get(`${stack.baseUrl}/backoffice/sign-in`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const response = await client.post(`${stack.baseUrl}/backoffice/sign-in`, new URLSearchParams({ csrf, email: 'admin@bad-input.example', password: PASSWORD }));
  expect(response.status).toBe(303);
  return client;
}

describe('injection strings', () => {
  it('stores every text field verbatim', async () => {
    for (const [kind, text] of Object.entries(injection)) {
      const externalRef = `INJ-${kind}`;
      const response = await send('POST', '/v1/customers', json({ externalRef, name: text, segment: text.slice(0, 60), address: text, contacts: [{ role: 'invoicing', name: text }] }));
      expect(response.status, JSON.stringify(response.body)).toBe(201);

      const [stored] = await stack.db.sql<{ name: string; segment: string; address: string; contact: string }[]>`
        select c.name, c.segment, c.address, k.name as contact from customers c join contacts k on k.customer_id = c.id where c.external_ref = ${externalRef}`;
      expect(stored).toEqual({ name: text.trim(), segment: text.slice(0, 60).trim(), address: text.trim(), contact: text.trim() });
    }
  });

  it('stores invoice numbers verbatim', async () => {
    const number = injection.pathTraversal;

    const response = await send('POST', '/v1/invoices', json({ ...invoice, number }));

    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const [stored] = await stack.db.sql<{ number: string }[]>`select number from invoices where number = ${number}`;
    expect(stored?.number).toBe('../../../etc/passwd');
  });

  it('escapes names in the portal', async () => {
    const seeded = await seedCustomer(stack, { ref: 'INJ-PORTAL', name: injection.html, invoices: [{ number: injection.html.slice(0, 60), totalMinor: 12_000, daysLate: 5 }], startCases: false });
    const client = new PortalClient();

    const page = await client.get(await portalUrlOf(stack, seeded.id));

    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain(escapeHtml(injection.html));
  });

  it('names portal PDFs without paths', async () => {
    const seeded = await seedCustomer(stack, { ref: 'INJ-PDF', name: 'Chemin SARL', invoices: [{ number: injection.pathTraversal, totalMinor: 12_000, daysLate: 5 }], startCases: false });
    const client = new PortalClient();

    const pdf = await client.getBytes(`${await portalUrlOf(stack, seeded.id)}/invoices/${seeded.invoices[0]!.id}/pdf`);

    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="invoice-.._.._.._etc_passwd.pdf"');
  });

  it('escapes names in the back-office', async () => {
    const [row] = await stack.db.sql<{ id: string }[]>`select id from customers where external_ref = 'INJ-html'`;
    const client = await signIn();

    const detail = await client.get(`${stack.baseUrl}/backoffice/customers/${row!.id}`);
    const list = await client.get(`${stack.baseUrl}/backoffice/customers`);

    for (const page of [detail, list]) {
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('<script>alert(');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain(escapeHtml(injection.html));
    }
  });
});
