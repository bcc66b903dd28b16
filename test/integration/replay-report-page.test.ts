// The replay pages of the back-office over HTTP: sign-in and roles, the list, one report
// with its chart and its two checks in green or red, the markdown download, in French
// and English. The report is computed from rows where one reminder followed a payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/services/users.js';
import { computeReplayReport, renderReplayMarkdown, saveReplayReport } from '../../replay/report/index.js';
import { startBackofficeStack } from './backoffice-stack.js';
import { PortalClient, type PortalStack } from './portal-harness.js';

const PASSWORD = 'correct horse battery staple';
let stack: PortalStack;
let reportId: string;

function csrfOf(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no CSRF field');
  return token;
}

async function signIn(email: string): Promise<PortalClient> {
  const client = new PortalClient();
  const form = await client.get(`${stack.baseUrl}/backoffice/sign-in`);
  const response = await client.post(`${stack.baseUrl}/backoffice/sign-in`, new URLSearchParams({ csrf: csrfOf(form.body), email, password: PASSWORD }));
  expect(response.status).toBe(303);
  return client;
}

async function seedLateReminder(): Promise<void> {
  const sql = stack.db.sql;
  const [customer] = await sql<{ id: string }[]>`insert into customers (external_ref, name) values ('PAGE', 'Page SAS') returning id`;
  const [invoice] = await sql<{ id: string }[]>`
    insert into invoices (customer_id, number, currency, total_minor, issue_date, due_date)
    values (${customer!.id}, 'P-1', 'EUR', 50000, '2026-01-10', '2026-02-09') returning id`;
  const [payment] = await sql<{ id: string }[]>`
    insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on)
    values ('PAGE', ${customer!.id}, 'VIR-P1', 50000, 'EUR', '2026-02-20') returning id`;
  await sql`insert into allocations (invoice_id, payment_id, amount_minor, created_at) values (${invoice!.id}, ${payment!.id}, 50000, '2026-02-20T09:00:00Z')`;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, status, provider, language, sent_at)
    values ('page/r2', 'email', ${customer!.id}, 'outbox', 'outbox', 'fr', '2026-02-24T08:00:00Z') returning id`;
  await sql`insert into message_invoices (message_id, invoice_id, step_key, due_minor) values (${message!.id}, ${invoice!.id}, 'r2', 50000)`;
}

beforeAll(async () => {
  stack = await startBackofficeStack();
  await createUser(stack.db.sql, { email: 'manager@example.com', role: 'credit_manager', language: 'en', password: PASSWORD });
  await createUser(stack.db.sql, { email: 'admin@example.com', role: 'admin', language: 'fr', password: PASSWORD });
  await createUser(stack.db.sql, { email: 'collector@example.com', role: 'collector', language: 'fr', password: PASSWORD });

  await seedLateReminder();
  const report = await computeReplayReport(stack.db.sql, { from: '2026-01-01', to: '2026-03-31' }, { sources: ['page-history.csv'], scenarioId: 'default' });
  reportId = (await saveReplayReport(stack.db.sql, report, renderReplayMarkdown(report, 'en'))).id;
});

afterAll(async () => {
  await stack?.close();
});

describe('replay pages access', () => {
  it('redirects anonymous visitors to sign-in', async () => {
    const response = await new PortalClient().get(`${stack.baseUrl}/backoffice/replays/${reportId}`);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/backoffice/sign-in');
  });

  it('forbids collectors', async () => {
    const client = await signIn('collector@example.com');

    const response = await client.get(`${stack.baseUrl}/backoffice/replays`);

    expect(response.status).toBe(403);
  });

  it('answers 404 for an unknown report', async () => {
    const client = await signIn('manager@example.com');

    const response = await client.get(`${stack.baseUrl}/backoffice/replays/00000000-0000-0000-0000-000000000000`);

    expect(response.status).toBe(404);
  });
});

describe('replay pages content', () => {
  it('lists saved reports', async () => {
    const client = await signIn('manager@example.com');

    const response = await client.get(`${stack.baseUrl}/backoffice/replays`);

    expect(response.status).toBe(200);
    expect(response.body).toContain(`href="/backoffice/replays/${reportId}"`);
    expect(response.body).toContain('page-history.csv');
  });

  it('highlights failed and passed checks', async () => {
    const client = await signIn('manager@example.com');

    const response = await client.get(`${stack.baseUrl}/backoffice/replays/${reportId}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatch(/data-check="after-payment" data-passed="false" style="background:#fdecec/);
    expect(response.body).toMatch(/data-check="during-dispute" data-passed="true" style="background:#e6f4ea/);
    expect(response.body).toContain('<td class="num">PAGE</td>');
    expect(response.body).toContain('<svg role="img" aria-label="Aged balance in EUR per week"');
    expect(response.body).toContain('Replay report, 2026-01-01 to 2026-03-31');
  });

  it('shows the report in French', async () => {
    const client = await signIn('admin@example.com');

    const response = await client.get(`${stack.baseUrl}/backoffice/replays/${reportId}`);

    expect(response.status).toBe(200);
    expect(response.body).toContain('<html lang="fr">');
    expect(response.body).toContain('Rapport de rejeu du 01/01/2026 au 31/03/2026');
    expect(response.body).toContain('Relances envoyées après le règlement de la facture : 1');
  });

  it('downloads the markdown', async () => {
    const client = await signIn('manager@example.com');

    const saved = await client.get(`${stack.baseUrl}/backoffice/replays/${reportId}/report.md`);
    const french = await client.get(`${stack.baseUrl}/backoffice/replays/${reportId}/report.md?lang=fr`);

    expect(saved.status).toBe(200);
    expect(saved.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(saved.headers.get('content-disposition')).toBe('attachment; filename="replay-2026-01-01-2026-03-31.md"');
    expect(saved.body).toContain('| Reminders sent after the invoice was settled | 1 | failed |');
    expect(french.body).toContain('| Relances envoyées après le règlement de la facture | 1 | échoué |');
  });
});
