import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf } from '../../domain/dates.js';
import { formProtectionOf, PortalClient, portalUrlOf, seedCustomer, startPortalStack, waitFor, type PortalStack, type SeededCustomer } from './portal-harness.js';

let stack: PortalStack;
let acme: SeededCustomer;
let other: SeededCustomer;
const usedTokens = new Set<string>();

function tokenOf(url: string): string {
  const token = url.split('/portal/')[1]?.split('/')[0] ?? '';
  usedTokens.add(token);
  return token;
}

async function caseStatus(invoiceId: string): Promise<string | undefined> {
  const [row] = await stack.db.sql<{ status: string }[]>`select status from cases where invoice_id = ${invoiceId}`;
  return row?.status;
}

beforeAll(async () => {
  stack = await startPortalStack();
  acme = await seedCustomer(stack, {
    ref: 'acme',
    name: 'Acme Industrie',
    invoices: [
      { number: 'F-2026-001', totalMinor: 120_000, daysLate: 20 },
      { number: 'F-2026-002', totalMinor: 45_050, daysLate: 3 },
      { number: 'F-2026-003', totalMinor: 9_900, daysLate: 10 },
      { number: 'F-2026-004', totalMinor: 30_000, daysLate: 8 },
    ],
  });
  other = await seedCustomer(stack, { ref: 'globex', name: 'Globex Secret SA', invoices: [{ number: 'G-77', totalMinor: 77_700, daysLate: 12 }] });
  for (const invoice of [...acme.invoices, ...other.invoices]) await waitFor(async () => ((await caseStatus(invoice.id)) ? true : undefined), `case of ${invoice.number}`);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('portal access', () => {
  it('statement shows only own invoices', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const page = await new PortalClient().get(url);

    expect(page.status).toBe(200);
    expect(page.body).toContain('F-2026-001');
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).not.toContain('G-77');
    expect(page.body).not.toContain('Globex');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.byteLength(page.body)).toBeLessThan(60_000);
  });

  it('tampered link is refused', async () => {
    const url = await portalUrlOf(stack, acme.id);
    const token = tokenOf(url);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = token.slice(0, -1) + last;
    const swapped = token.replace(acme.id, other.id);
    usedTokens.add(tampered);

    for (const candidate of [tampered, swapped, 'not-a-token', `${acme.id}.1.9999999999.x`]) {
      const page = await new PortalClient().get(`${stack.baseUrl}/portal/${candidate}`);
      expect(page.status).toBe(403);
      expect(page.body).not.toContain('Acme');
      expect(page.body).not.toContain('F-2026');
    }
  });

  it('expired link offers a fresh one', async () => {
    const url = await portalUrlOf(stack, acme.id, { now: new Date(Date.now() - 40 * 86_400_000), ttlDays: 30 });
    const client = new PortalClient();
    const page = await client.get(url);

    expect(page.status).toBe(410);
    expect(page.body).not.toContain('F-2026-001');
    expect(page.body).toContain(`action="/portal/${tokenOf(url)}/link"`);

    const before = await stack.db.sql`select id from messages where customer_id = ${acme.id} and subject is not null and idempotency_key like 'portal/%/link'`;
    const sent = await client.post(`${url}/link`, new URLSearchParams({ ...formProtectionOf(page.body), email: 'attacker@evil.example' }));
    expect(sent.status).toBe(200);
    const after = await stack.db.sql<{ html: string; contact_id: string }[]>`
      select m.html, m.contact_id from messages m where m.customer_id = ${acme.id} and m.idempotency_key like 'portal/%/link'`;
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)?.html).not.toContain('attacker@evil.example');
    const [contact] = await stack.db.sql<{ id: string }[]>`select id from contacts where customer_id = ${acme.id}`;
    expect(after.at(-1)?.contact_id).toBe(contact?.id);
    for (const match of (after.at(-1)?.html ?? '').matchAll(/\/portal\/([^"<\s]+)/g)) usedTokens.add(match[1] ?? '');
  });

  it('fresh links are rate limited', async () => {
    const url = await portalUrlOf(stack, other.id, { now: new Date(Date.now() - 40 * 86_400_000), ttlDays: 30 });
    tokenOf(url);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const client = new PortalClient();
      const page = await client.get(url);
      statuses.push((await client.post(`${url}/link`, new URLSearchParams(formProtectionOf(page.body)))).status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
    const [count] = await stack.db.sql<{ count: number }[]>`select count(*)::int as count from portal_link_requests where customer_id = ${other.id}`;
    expect(count?.count).toBe(3);
  });

  it('revoked link stops working', async () => {
    const oldUrl = await portalUrlOf(stack, other.id);
    tokenOf(oldUrl);
    expect((await new PortalClient().get(oldUrl)).status).toBe(200);

    const revoked = await stack.app.inject({ method: 'POST', url: `/v1/customers/${other.id}/portal-link/revoke`, headers: stack.apiHeaders });
    expect(revoked.statusCode).toBe(200);
    const refused = await new PortalClient().get(oldUrl);
    expect(refused.status).toBe(410);
    expect(refused.body).not.toContain('G-77');

    const issued = await stack.app.inject({ method: 'POST', url: `/v1/customers/${other.id}/portal-link`, headers: stack.apiHeaders });
    expect(issued.statusCode).toBe(201);
    const freshUrl = (issued.json() as { url: string }).url;
    tokenOf(freshUrl);
    const fresh = await new PortalClient().get(freshUrl);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toContain('G-77');
  });

  it('foreign and unknown invoices look alike', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const own = await client.getBytes(`${url}/invoices/${acme.invoices[0]?.id}/pdf`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/pdf');
    expect(own.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const foreign = await client.get(`${url}/invoices/${other.invoices[0]?.id}/pdf`);
    const unknown = await client.get(`${url}/invoices/${randomUUID()}/pdf`);
    const malformed = await client.get(`${url}/invoices/G-77/pdf`);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(foreign.body).toBe(unknown.body);
    expect(malformed.body).toBe(unknown.body);
    expect(foreign.body).not.toContain('G-77');
  });

  it('foreign invoice in a form is refused', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const page = await client.get(`${url}/promise`);
    const promisedDate = addDays(localDateOf(new Date(), 'Europe/Paris'), 10);
    const foreignId = other.invoices[0]?.id ?? '';
    const form = new URLSearchParams({ ...formProtectionOf(page.body), date: promisedDate, invoice: foreignId, [`amount.${foreignId}`]: '100' });

    const response = await client.post(`${url}/promise`, form);

    expect(response.status).toBe(422);
    expect(response.body).not.toContain('G-77');
    expect(await caseStatus(foreignId)).not.toBe('promised');
  });

  it('form without its CSRF token is refused', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const page = await client.get(`${url}/promise`);
    const protection = formProtectionOf(page.body);
    const promisedDate = addDays(localDateOf(new Date(), 'Europe/Paris'), 10);
    const invoiceId = acme.invoices[1]?.id ?? '';
    const fields = { date: promisedDate, invoice: invoiceId, [`amount.${invoiceId}`]: '10' };

    const withoutCookie = await new PortalClient().post(`${url}/promise`, new URLSearchParams({ ...protection, ...fields }));
    const wrongToken = await client.post(`${url}/promise`, new URLSearchParams({ ...protection, csrf: protection.csrf.slice(1) + 'x', ...fields }));

    expect(withoutCookie.status).toBe(403);
    expect(wrongToken.status).toBe(403);
    expect(await caseStatus(invoiceId)).not.toBe('promised');
  });

  it('promise reaches the case once', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const page = await client.get(`${url}/promise`);
    const promisedDate = addDays(localDateOf(new Date(), 'Europe/Paris'), 14);
    const invoiceId = acme.invoices[0]?.id ?? '';
    const form = new URLSearchParams({ ...formProtectionOf(page.body), date: promisedDate, invoice: invoiceId, [`amount.${invoiceId}`]: '1200,00' });

    const first = await client.post(`${url}/promise`, form);
    const second = await client.post(`${url}/promise`, form);

    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.location).toBe(first.location);
    const outcome = await client.get(`${stack.baseUrl}${first.location}`);
    expect(outcome.body).toContain('data-status="promised"');
    expect(await caseStatus(invoiceId)).toBe('promised');
    const events = await stack.db.sql`select id from case_events where invoice_id = ${invoiceId} and source = 'portal' and type = 'promise_made'`;
    expect(events.length).toBe(1);
    const confirmations = await stack.db.sql`select id from messages where customer_id = ${acme.id} and idempotency_key like 'portal/%/promise-confirmation/EUR'`;
    expect(confirmations.length).toBe(1);
  });

  it('promise beyond the horizon is refused', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const page = await client.get(`${url}/promise`);
    const invoiceId = acme.invoices[1]?.id ?? '';
    const tooLate = addDays(localDateOf(new Date(), 'Europe/Paris'), 400);
    const form = new URLSearchParams({ ...formProtectionOf(page.body), date: tooLate, invoice: invoiceId, [`amount.${invoiceId}`]: '10' });

    const response = await client.post(`${url}/promise`, form);

    expect(response.status).toBe(422);
    expect(response.body).toContain('aria-invalid="true"');
    expect(await caseStatus(invoiceId)).not.toBe('promised');
  });

  it('dispute files are checked by content', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const invoiceId = acme.invoices[2]?.id ?? '';
    const disputeForm = (protection: { form: string; csrf: string }, file: Blob, name: string) => {
      const form = new FormData();
      form.set('form', protection.form);
      form.set('csrf', protection.csrf);
      form.set('invoice', invoiceId);
      form.set('reason', 'quantity');
      form.set('comment', 'We received 8 boxes, not 10.');
      form.append('files', file, name);
      return form;
    };

    const page = await client.get(`${url}/dispute`);
    const disguised = await client.post(`${url}/dispute`, disputeForm(formProtectionOf(page.body), new Blob(['#!/bin/sh\necho hi\n']), 'delivery-note.pdf'));
    expect(disguised.status).toBe(422);
    expect(await caseStatus(invoiceId)).not.toBe('disputed');

    const retry = await client.get(`${url}/dispute`);
    const pdf = new Blob([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')], { type: 'application/pdf' });
    const accepted = await client.post(`${url}/dispute`, disputeForm(formProtectionOf(retry.body), pdf, 'delivery-note.pdf'));
    expect(accepted.status).toBe(303);
    await waitFor(async () => ((await caseStatus(invoiceId)) === 'disputed' ? true : undefined), 'disputed case');

    const [attachment] = await stack.db.sql<{ storage_name: string; media_type: string }[]>`select storage_name, media_type from portal_attachments where invoice_id = ${invoiceId}`;
    expect(attachment?.media_type).toBe('application/pdf');
    expect(attachment?.storage_name).toMatch(/^[0-9a-f]{48}$/);
    expect(await readdir(path.join(stack.dataDir, 'attachments'))).toContain(attachment?.storage_name);
    const statement = await client.get(url);
    expect(statement.body).not.toContain(attachment?.storage_name ?? '-');
  });

  it('already paid opens a check task', async () => {
    const url = await portalUrlOf(stack, acme.id);
    tokenOf(url);
    const client = new PortalClient();
    const invoiceId = acme.invoices[3]?.id ?? '';
    const page = await client.get(`${url}/paid`);
    const form = new FormData();
    const protection = formProtectionOf(page.body);
    form.set('form', protection.form);
    form.set('csrf', protection.csrf);
    form.set('invoice', invoiceId);
    form.set('paidOn', localDateOf(new Date(), 'Europe/Paris'));
    form.set('amount', '300,00');

    const response = await client.post(`${url}/paid`, form);

    expect(response.status).toBe(303);
    const [task] = await stack.db.sql<{ kind: string; data: { amountMinor: number } }[]>`select kind, data from tasks where invoice_id = ${invoiceId} and kind = 'check_payment'`;
    expect(task?.data.amountMinor).toBe(30_000);
    const [caseRow] = await stack.db.sql<{ terminal_state: string | null }[]>`select terminal_state from cases where invoice_id = ${invoiceId}`;
    expect(caseRow?.terminal_state).toBeNull();
  });

  it('logs never contain a token', async () => {
    const tokens = [...usedTokens].filter((token) => token.length > 20);
    expect(tokens.length).toBeGreaterThan(3);
    expect(stack.logLines.some((line) => line.includes('/portal/[token]'))).toBe(true);

    const leaks = stack.logLines.filter((line) => tokens.some((token) => line.includes(token) || line.includes(token.split('.').at(-1) ?? token)));
    expect(leaks).toEqual([]);
  });
});
