// The same call ten times at once, as a retrying client, a provider or a double click sends
// it: each has one effect, and every response is the first result again or a clear 409,
// never a server error. Real API, PostgreSQL, Temporal server and worker.
import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signWebhook } from '../../api/services/webhook-signature.js';
import type { CaseState } from '../../domain/case.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { formProtectionOf, PortalClient, portalUrlOf, seedCustomer, startPortalStack, waitFor, type PortalStack } from '../integration/portal-harness.js';

const REPEATS = 10;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

let stack: PortalStack;

beforeAll(async () => {
  stack = await startPortalStack({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

const times = <T>(make: () => Promise<T>) => Promise.all(Array.from({ length: REPEATS }, make));

async function api(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}${url}`, {
    method,
    headers: { ...stack.apiHeaders, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

async function count(query: Promise<{ count: number }[]>): Promise<number> {
  const [row] = await query;
  return row?.count ?? -1;
}

async function caseState(invoiceId: string): Promise<CaseState> {
  return stack.temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).query<CaseState>('caseState');
}

async function actionsOf(invoiceId: string, type: string): Promise<number> {
  return (await caseState(invoiceId)).lastActions.filter((action) => action.type === type).length;
}

/** Waits until the case of the invoice has started and written its projection. */
async function runningCase(invoiceId: string): Promise<string> {
  return waitFor(async () => {
    const [row] = await stack.db.sql<{ workflow_id: string }[]>`select workflow_id from cases where invoice_id = ${invoiceId}`;
    return row?.workflow_id;
  }, `the case of invoice ${invoiceId}`);
}

const today = () => localDateOf(new Date(), 'Europe/Paris');

describe('concurrent payments', () => {
  it('records one payment per idempotency key', async () => {
    const customer = await seedCustomer(stack, { ref: 'CR-PAY-KEY', name: 'Clé Unique SARL', invoices: [{ number: 'F-PK-1', totalMinor: 50_000, daysLate: 10 }] });
    await runningCase(customer.invoices[0]!.id);
    const payment = { customerRef: 'CR-PAY-KEY', reference: 'VIR-PK-1', amountMinor: 20_000, currency: 'EUR', receivedOn: today(), invoiceNumber: 'F-PK-1' };
    const key = randomUUID();

    const responses = await times(() => api('POST', '/v1/payments', payment, { 'idempotency-key': key }));

    expect(responses.map((response) => response.status).every((status) => status === 201 || status === 409)).toBe(true);
    const created = responses.filter((response) => response.status === 201);
    expect(new Set(created.map((response) => response.body.paymentId)).size).toBe(1);
    expect(created.filter((response) => !response.replayed)).toHaveLength(1);
    expect(await count(stack.db.sql`select count(*)::int as count from payments where reference = 'VIR-PK-1'`)).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from allocations a join payments p on p.id = a.payment_id where p.reference = 'VIR-PK-1'`)).toBe(1);
  });

  it('records one payment per reference', async () => {
    const customer = await seedCustomer(stack, { ref: 'CR-PAY-REF', name: 'Référence Unique SAS', invoices: [{ number: 'F-PR-1', totalMinor: 50_000, daysLate: 10 }] });
    await runningCase(customer.invoices[0]!.id);
    const payment = { customerRef: 'CR-PAY-REF', reference: 'VIR-PR-1', amountMinor: 20_000, currency: 'EUR', receivedOn: today(), invoiceNumber: 'F-PR-1' };

    const responses = await times(() => api('POST', '/v1/payments', payment));

    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(REPEATS - 1);
    expect(new Set(responses.map((response) => response.body.paymentId)).size).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from payments where reference = 'VIR-PR-1'`)).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from allocations a join payments p on p.id = a.payment_id where p.reference = 'VIR-PR-1'`)).toBe(1);
    const [balance] = await stack.db.sql<{ due_minor: number }[]>`select due_minor from document_balances where id = ${customer.invoices[0]!.id}`;
    expect(balance?.due_minor).toBe(30_000);
  });
});

describe('concurrent webhook deliveries', () => {
  it('processes one svix-id once', async () => {
    await seedCustomer(stack, { ref: 'CR-HOOK', name: 'Crochet SA', email: 'ap@cr-hook.example', invoices: [], startCases: false });
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'email.complained', created_at: new Date().toISOString(), data: { email_id: randomUUID(), to: ['ap@cr-hook.example'] } });
    const headers = { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signWebhook(WEBHOOK_SECRET, id, timestamp, body) };

    const responses = await times(async () => {
      const response = await fetch(`${stack.baseUrl}/v1/webhooks/resend`, { method: 'POST', headers, body });
      return { status: response.status, body: (await response.json()) as { duplicate: boolean; suppressedContacts: number } };
    });

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: REPEATS }, () => 200));
    expect(responses.filter((response) => !response.body.duplicate)).toHaveLength(1);
    expect(responses.reduce((sum, response) => sum + response.body.suppressedContacts, 0)).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from provider_webhook_events where delivery_id = ${id}`)).toBe(1);
  });
});

describe('concurrent portal forms', () => {
  it('applies one promise per form', async () => {
    const customer = await seedCustomer(stack, { ref: 'CR-PROMISE', name: 'Promesse SARL', invoices: [{ number: 'F-PM-1', totalMinor: 80_000, daysLate: 12 }] });
    const invoiceId = customer.invoices[0]!.id;
    await runningCase(invoiceId);
    const client = new PortalClient();
    const url = await portalUrlOf(stack, customer.id);
    const page = await client.get(`${url}/promise`);
    const { form, csrf } = formProtectionOf(page.body);
    const fields = { form, csrf, date: addDays(today(), 10), invoice: invoiceId, [`amount.${invoiceId}`]: '800,00' };

    const responses = await times(() => client.post(`${url}/promise`, new URLSearchParams(fields)));

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: REPEATS }, () => 303));
    expect(new Set(responses.map((response) => response.location)).size).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from case_events where invoice_id = ${invoiceId} and type = 'promise_made' and source = 'portal'`)).toBe(1);
    expect(await actionsOf(invoiceId, 'promise_made')).toBe(1);
  });

  it('opens one dispute per form', async () => {
    const customer = await seedCustomer(stack, { ref: 'CR-DISPUTE', name: 'Litige SAS', invoices: [{ number: 'F-DS-1', totalMinor: 60_000, daysLate: 12 }] });
    const invoiceId = customer.invoices[0]!.id;
    await runningCase(invoiceId);
    const client = new PortalClient();
    const url = await portalUrlOf(stack, customer.id);
    const page = await client.get(`${url}/dispute`);
    const { form, csrf } = formProtectionOf(page.body);
    const submission = () => {
      const body = new FormData();
      body.set('form', form);
      body.set('csrf', csrf);
      body.set('invoice', invoiceId);
      body.set('reason', 'quantity');
      body.set('comment', 'Livraison incomplète : 8 palettes sur 10.');
      body.set('files', new Blob([Buffer.from('%PDF-1.4\n%proof\n')], { type: 'application/pdf' }), 'bon-de-livraison.pdf');
      return client.post(`${url}/dispute`, body);
    };

    const responses = await times(submission);

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: REPEATS }, () => 303));
    expect(await count(stack.db.sql`select count(*)::int as count from case_events where invoice_id = ${invoiceId} and type = 'dispute_opened' and source = 'portal'`)).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from portal_attachments where invoice_id = ${invoiceId}`)).toBe(1);
    expect(await actionsOf(invoiceId, 'dispute_opened')).toBe(1);
  });
});

describe('concurrent task completions', () => {
  it('completes a call once', async () => {
    const customer = await seedCustomer(stack, { ref: 'CR-CALL', name: 'Appel Unique SA', invoices: [{ number: 'F-CL-1', totalMinor: 90_000, daysLate: 31 }] });
    const invoiceId = customer.invoices[0]!.id;
    const workflowId = await runningCase(invoiceId);
    const [task] = await stack.db.sql<{ id: string }[]>`
      insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at)
      values (${`test/${randomUUID()}`}, 'call', ${workflowId}, ${invoiceId}, ${customer.id}, 'call-j30', now())
      returning id`;
    const completion = { outcome: 'reached_promised', promisedDate: addDays(today(), 7), amountMinor: 90_000, durationMinutes: 6, author: 'Camille' };

    const responses = await times(() => api('POST', `/v1/tasks/${task!.id}/complete`, completion));

    expect(responses.map((response) => response.status).every((status) => status === 200 || status === 409), JSON.stringify(responses.map((response) => response.status))).toBe(true);
    const completed = responses.filter((response) => response.status === 200);
    expect(completed.length).toBeGreaterThan(0);
    for (const response of completed) expect(response.body).toEqual(completed[0]!.body);
    expect(await count(stack.db.sql`select count(*)::int as count from case_events where invoice_id = ${invoiceId} and type = 'call_completed'`)).toBe(1);
    expect(await count(stack.db.sql`select count(*)::int as count from carbon_ledger where workflow_id = ${workflowId} and channel = 'phone'`)).toBe(1);
    expect(await actionsOf(invoiceId, 'promise_made')).toBe(1);
  }, 120_000);
});
