// The back-office over HTTP without a browser: sign-in, sessions and their cookies, CSRF
// tokens, roles, a case action recorded with its author, and the dashboard figures on
// seeded data, checked against values computed by hand.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { readDashboard } from '../../api/services/dashboards.js';
import { createUser } from '../../api/services/users.js';
import { loadEnv } from '../../config/env.js';
import { startBackofficeStack } from './backoffice-stack.js';
import { PortalClient, seedCustomer, waitFor, type PortalStack } from './portal-harness.js';

const PASSWORD = 'correct horse battery staple';
let stack: PortalStack;

function csrfOf(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no CSRF field');
  return token;
}

async function signIn(email: string, password = PASSWORD): Promise<{ client: PortalClient; csrf: string }> {
  const client = new PortalClient();
  const form = await client.get(`${stack.baseUrl}/backoffice/sign-in`);
  const response = await client.post(`${stack.baseUrl}/backoffice/sign-in`, new URLSearchParams({ csrf: csrfOf(form.body), email, password, lang: 'fr' }));
  expect(response.status).toBe(303);
  const home = await client.get(`${stack.baseUrl}/backoffice`);
  expect(home.status).toBe(200);
  return { client, csrf: csrfOf(home.body) };
}

beforeAll(async () => {
  stack = await startBackofficeStack();
  await createUser(stack.db.sql, { email: 'admin@example.com', role: 'admin', language: 'fr', password: PASSWORD });
  await createUser(stack.db.sql, { email: 'manager@example.com', role: 'credit_manager', language: 'en', password: PASSWORD });
  await createUser(stack.db.sql, { email: 'collector@example.com', role: 'collector', language: 'fr', password: PASSWORD });
});

afterAll(async () => {
  await stack?.close();
});

describe('back-office sign-in and sessions', () => {
  it('redirects anonymous visitors to sign-in', async () => {
    const response = await new PortalClient().get(`${stack.baseUrl}/backoffice/cases`);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/backoffice/sign-in');
  });

  it('rejects a wrong password', async () => {
    const client = new PortalClient();
    const form = await client.get(`${stack.baseUrl}/backoffice/sign-in`);
    const response = await client.post(`${stack.baseUrl}/backoffice/sign-in`, new URLSearchParams({ csrf: csrfOf(form.body), email: 'admin@example.com', password: 'wrong password!' }));

    expect(response.status).toBe(401);
    expect(client.cookies.has('relance_session')).toBe(false);
  });

  it('sets a strict HttpOnly session cookie', async () => {
    const client = new PortalClient();
    const form = await client.get(`${stack.baseUrl}/backoffice/sign-in`);
    const response = await fetch(`${stack.baseUrl}/backoffice/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfOf(form.body), email: 'ADMIN@example.com', password: PASSWORD }),
      headers: { cookie: `relance_sign_in=${client.cookies.get('relance_sign_in')}` },
      redirect: 'manual',
    });
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith('relance_session='));

    expect(response.status).toBe(303);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('marks the cookie Secure behind https', async () => {
    const env = loadEnv({ ...stack.env, NODE_ENV: 'test', DATABASE_URL: stack.env.DATABASE_URL, PORTAL_BASE_URL: 'https://relance.example/portal' } as unknown as NodeJS.ProcessEnv);
    const app = await buildApp({ env, sql: stack.db.sql, temporal: stack.temporal, logger: pino({ level: 'silent' }) });
    const form = await app.inject({ method: 'GET', url: '/backoffice/sign-in' });
    const token = csrfOf(form.body);
    const response = await app.inject({
      method: 'POST',
      url: '/backoffice/sign-in',
      payload: new URLSearchParams({ csrf: token, email: 'admin@example.com', password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `relance_sign_in=${token}` },
    });
    await app.close();

    expect(String(response.headers['set-cookie'])).toMatch(/relance_session=[^;]+;.*Secure/);
  });

  it('signs out and ends the session', async () => {
    const { client, csrf } = await signIn('admin@example.com');
    const sessionId = client.cookies.get('relance_session') ?? '';
    const signOut = await client.post(`${stack.baseUrl}/backoffice/sign-out`, new URLSearchParams({ csrf }));
    const stale = await fetch(`${stack.baseUrl}/backoffice`, { headers: { cookie: `relance_session=${sessionId}` }, redirect: 'manual' });
    const [stored] = await stack.db.sql`select 1 from sessions where id = ${sessionId}`;

    expect(signOut.status).toBe(303);
    expect(stale.status).toBe(303);
    expect(stored).toBeUndefined();
  });

  it('renders pages in the user language', async () => {
    const { client, csrf } = await signIn('manager@example.com');
    const english = await client.get(`${stack.baseUrl}/backoffice`);
    await client.post(`${stack.baseUrl}/backoffice/language`, new URLSearchParams({ csrf, language: 'fr', back: '/backoffice' }));
    const french = await client.get(`${stack.baseUrl}/backoffice`);

    expect(english.body).toContain('<html lang="en">');
    expect(french.body).toContain('<html lang="fr">');
    expect(french.body).toContain('Litiges à traiter');
  });
});

describe('back-office CSRF and roles', () => {
  it('rejects a form without the token', async () => {
    const { client } = await signIn('manager@example.com');
    const missing = await client.post(`${stack.baseUrl}/backoffice/language`, new URLSearchParams({ language: 'en' }));
    const wrong = await client.post(`${stack.baseUrl}/backoffice/language`, new URLSearchParams({ language: 'en', csrf: 'x'.repeat(43) }));

    expect(missing.status).toBe(403);
    expect(wrong.status).toBe(403);
  });

  it('keeps collectors out of admin actions', async () => {
    const { client, csrf } = await signIn('collector@example.com');
    const attempts = [
      await client.get(`${stack.baseUrl}/backoffice/scenarios`),
      await client.get(`${stack.baseUrl}/backoffice/scenarios/default-fr`),
      await client.post(`${stack.baseUrl}/backoffice/scenarios/default-fr`, new URLSearchParams({ csrf, name_fr: 'x', name_en: 'x' })),
      await client.get(`${stack.baseUrl}/backoffice/users`),
      await client.post(`${stack.baseUrl}/backoffice/users`, new URLSearchParams({ csrf, email: 'new@example.com', role: 'admin', password: PASSWORD })),
    ];

    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 403, 403, 403, 403]);
    const [created] = await stack.db.sql`select 1 from users where email = 'new@example.com'`;
    expect(created).toBeUndefined();
  });

  it('lets an admin create a user', async () => {
    const { client, csrf } = await signIn('admin@example.com');
    const response = await client.post(`${stack.baseUrl}/backoffice/users`, new URLSearchParams({ csrf, email: 'second@example.com', role: 'collector', language: 'en', password: PASSWORD }));

    expect(response.status).toBe(303);
    await signIn('second@example.com');
  });

  it('records a case action with its author', async () => {
    const customer = await seedCustomer(stack, { ref: 'bo-pause', name: 'Pause SARL', invoices: [{ number: 'BO-1', totalMinor: 50_000, daysLate: 3 }] });
    const invoiceId = customer.invoices[0]?.id ?? '';
    const { client, csrf } = await signIn('collector@example.com');
    const response = await client.post(`${stack.baseUrl}/backoffice/cases/${invoiceId}/actions`, new URLSearchParams({ csrf, action: 'pause', reason: 'customer on holiday' }));
    const writeOff = await client.post(`${stack.baseUrl}/backoffice/cases/${invoiceId}/actions`, new URLSearchParams({ csrf, action: 'write-off', reason: 'too small' }));
    const [event] = await stack.db.sql<{ source: string; data: { author: string; status: string } }[]>`
      select source, data from case_events where invoice_id = ${invoiceId} and type = 'operator_pause'`;
    const page = await client.get(`${stack.baseUrl}/backoffice/cases/${invoiceId}`);

    expect(response.status).toBe(303);
    expect(writeOff.status).toBe(403);
    expect(event?.source).toBe('operator');
    expect(event?.data.author).toBe('collector@example.com');
    expect(event?.data.status).toBe('paused');
    expect(page.body).toContain('/namespaces/default/workflows/dunning-case-');
    await waitFor(async () => ((await client.get(`${stack.baseUrl}/backoffice/cases?q=Pause`)).body.includes('BO-1') ? true : undefined), 'the case in the list');
  });
});

describe('back-office dashboard figures', () => {
  const asOf = '2025-06-15';

  async function seedLedger(): Promise<void> {
    const { sql } = stack.db;
    const [customer] = await sql<{ id: string }[]>`insert into customers (external_ref, name) values ('dash', 'Tableau SA') returning id`;
    const customerId = customer?.id ?? '';
    const invoice = async (number: string, issueDate: string, dueDate: string, totalMinor: number) => {
      const [row] = await sql<{ id: string }[]>`
        insert into invoices (customer_id, number, currency, total_minor, issue_date, due_date) values (${customerId}, ${number}, 'USD', ${totalMinor}, ${issueDate}, ${dueDate}) returning id`;
      return row?.id ?? '';
    };
    const pay = async (invoiceId: string, reference: string, amountMinor: number, receivedOn: string) => {
      const [payment] = await sql<{ id: string }[]>`
        insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on) values ('dash', ${customerId}, ${reference}, ${amountMinor}, 'USD', ${receivedOn}) returning id`;
      await sql`insert into allocations (invoice_id, payment_id, amount_minor) values (${invoiceId}, ${payment?.id ?? ''}, ${amountMinor})`;
    };
    const promise = async (invoiceId: string, occurredAt: string, detail: string) => {
      await sql`insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data) values (${`dash-${invoiceId}`}, ${invoiceId}, 'promise_made', 'workflow', ${occurredAt}, ${sql.json({ detail })})`;
    };

    await invoice('A', '2025-06-01', '2025-07-01', 100_000);
    const b = await invoice('B', '2025-05-01', '2025-05-31', 50_000);
    const c = await invoice('C', '2025-03-01', '2025-03-31', 40_000);
    const d = await invoice('D', '2025-02-01', '2025-03-03', 30_000);
    const e = await invoice('E', '2025-01-10', '2025-02-09', 20_000);
    await pay(b, 'P-B', 20_000, '2025-06-10');
    await pay(d, 'P-D', 30_000, '2025-04-01');
    await promise(b, '2025-06-01T10:00:00Z', '2025-06-12 20000 (operator)');
    await promise(c, '2025-05-20T10:00:00Z', '2025-06-01 40000 (portal)');
    await promise(e, '2025-06-14T10:00:00Z', '2025-06-20 20000 (api)');
    await sql`
      insert into carbon_ledger (idempotency_key, customer_id, channel, quantity, unit, factor_id, factor_version, grams_co2e, recorded_at) values
        ('dash/1', ${customerId}, 'email', 1, 'message', 'email-base', 1, 4, '2025-06-02T09:00:00Z'),
        ('dash/2', ${customerId}, 'email', 1, 'message', 'email-base', 1, 4, '2025-06-03T09:00:00Z'),
        ('dash/3', ${customerId}, 'phone', 5, 'minute', 'phone-minute', 1, 18, '2025-06-04T09:00:00Z')`;
  }

  it('computes figures on seeded data', async () => {
    await seedLedger();
    const dashboard = await readDashboard(stack.db.sql, { asOf, currency: 'USD', weeks: 12 });

    // A not due; B 50 000 - 20 000 paid, 15 days late; C 76 days late; D paid; E 126 days late.
    expect(dashboard.agedToday).toEqual({ not_due: 100_000, d1_30: 30_000, d31_60: 0, d61_90: 40_000, over_90: 20_000 });
    // On 8 June the payment of B had not arrived: B is 8 days late with 50 000 open.
    expect(dashboard.agedWeekly.find((week) => week.date === '2025-06-08')?.balance.d1_30).toBe(50_000);
    // 190 000 open: June's 15 days cover 100 000, May's 31 days 50 000, April (30 days) has no sales, March covers 40 000 in full: 15 + 31 + 30 + 31.
    expect(dashboard.dsoDays).toBeCloseTo(107, 6);
    expect(dashboard.cash.find((week) => week.date === '2025-06-15')?.amountMinor).toBe(20_000);
    expect(dashboard.cash.find((week) => week.date === '2025-04-06')?.amountMinor).toBe(30_000);
    expect(dashboard.promises).toEqual({ made: 3, kept: 1, broken: 1, pending: 1 });
    // 4 + 4 + 18 g against three letters of 20 g postage + 5 g for one sheet; 500 USD collected in the 12 weeks.
    expect(dashboard.carbon.totalGrams).toBeCloseTo(26, 6);
    expect(dashboard.carbon.baselineGrams).toBeCloseTo(75, 6);
    expect(dashboard.carbon.gramsPerThousand).toBeCloseTo(52, 6);
  });

  it('shows the DSO on the page', async () => {
    const { client } = await signIn('manager@example.com');
    const page = await client.get(`${stack.baseUrl}/backoffice/dashboards?asOf=${asOf}&currency=USD`);

    expect(page.status).toBe(200);
    expect(page.body).toMatch(/data-figure="dso">107[.,]0 (days|jours)</);
    expect(page.body).toContain('<svg role="img"');
  });
});
