import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;

/** Calendar date `days` from today in Paris, the customers' zone here. */
function dateFromToday(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  const response = await api.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...api.as.admin, ...headers } });
  if (response.statusCode >= 400) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url, headers: api.as.read });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Reads every page of a list and returns the items in order. */
async function readAll(url: string, limit: number): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page = (await get(`${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as { items: Array<Record<string, unknown>>; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);

  for (const index of [1, 2, 3]) await post('/v1/customers', { externalRef: `CUST-${index}`, name: `Client ${index} SAS` });
  // Twelve invoices: due 40 days ago up to 4 days ahead, amounts 1 000.00 to 12 000.00.
  for (let index = 1; index <= 12; index += 1) {
    const dueDate = dateFromToday(index * 4 - 44);
    await post('/v1/invoices', { customerRef: `CUST-${(index % 3) + 1}`, number: `F-${String(index).padStart(3, '0')}`, currency: 'EUR', totalMinor: index * 100_000, issueDate: dateFromToday(-90), dueDate, startCase: false });
  }
  await post('/v1/payments', { customerRef: 'CUST-2', reference: 'VIR-PAID-F001', amountMinor: 100_000, currency: 'EUR', receivedOn: dateFromToday(-1), invoiceNumber: 'F-001' });
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

describe('invoice list', () => {
  it('pages through every invoice once', async () => {
    const items = await readAll('/v1/invoices?sort=number', 5);

    expect(items.map((item) => item.number)).toEqual(Array.from({ length: 12 }, (_, index) => `F-${String(index + 1).padStart(3, '0')}`));
  });

  it('keeps the order on equal values', async () => {
    const ascending = await readAll('/v1/invoices?sort=issueDate', 5);
    const descending = await readAll('/v1/invoices?sort=-issueDate', 5);

    expect(new Set(ascending.map((item) => item.id)).size).toBe(12);
    expect(descending.map((item) => item.id)).toEqual([...ascending.map((item) => item.id)].reverse());
  });

  it('filters by status and amount', async () => {
    const paid = await readAll('/v1/invoices?status=paid', 50);
    const large = await readAll('/v1/invoices?status=open&minAmountDue=500000&maxAmountDue=800000', 50);

    expect(paid.map((item) => item.number)).toEqual(['F-001']);
    expect(paid[0]).toMatchObject({ amountDueMinor: 0, paidMinor: 100_000, daysOverdue: 0 });
    expect(large.map((item) => item.totalMinor).sort((left, right) => Number(left) - Number(right))).toEqual([500_000, 600_000, 700_000, 800_000]);
  });

  it('filters by days overdue', async () => {
    const overdue = await readAll('/v1/invoices?minDaysOverdue=20&sort=-daysOverdue', 50);

    expect(overdue.map((item) => item.number)).toEqual(['F-002', 'F-003', 'F-004', 'F-005', 'F-006']);
    expect(overdue.map((item) => item.daysOverdue)).toEqual([36, 32, 28, 24, 20]);
  });

  it('filters by customer', async () => {
    const customers = (await get('/v1/customers?q=client%202')) as { items: Array<{ id: string; externalRef: string }> };
    const byId = await readAll(`/v1/invoices?customerId=${customers.items[0]!.id}`, 50);

    expect(customers.items.map((customer) => customer.externalRef)).toEqual(['CUST-2']);
    expect(byId.map((item) => item.number).sort()).toEqual(['F-001', 'F-004', 'F-007', 'F-010']);
  });

  it('rejects a cursor of another sort', async () => {
    const first = (await get('/v1/invoices?sort=number&limit=2')) as { nextCursor: string };

    const response = await api.app.inject({ method: 'GET', url: `/v1/invoices?sort=total&cursor=${first.nextCursor}`, headers: api.as.read });
    const garbled = await api.app.inject({ method: 'GET', url: '/v1/invoices?cursor=not-a-cursor', headers: api.as.read });
    const tooLarge = await api.app.inject({ method: 'GET', url: '/v1/invoices?limit=201', headers: api.as.read });

    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/sorted by number, not total/);
    expect(garbled.statusCode).toBe(400);
    expect(tooLarge.statusCode).toBe(400);
  });
});

describe('created resources', () => {
  it('match what reads return', async () => {
    const created = (await post('/v1/customers', { externalRef: 'CUST-NEW', name: 'Nouveau SAS', contacts: [{ role: 'invoicing', email: 'ap@new.example' }] })) as { customer: { id: string } };
    const invoice = (await post('/v1/invoices', { customerRef: 'CUST-NEW', number: 'F-NEW', currency: 'EUR', totalMinor: 42_000, issueDate: dateFromToday(-30), dueDate: dateFromToday(0), startCase: false })) as {
      invoice: { id: string };
      workflowId: string | null;
    };

    expect(created).toEqual(await get(`/v1/customers/${created.customer.id}`));
    expect(created.customer).toMatchObject({ externalRef: 'CUST-NEW', timeZone: 'Europe/Paris', contacts: [{ role: 'invoicing', email: 'ap@new.example' }] });
    expect({ invoice: invoice.invoice }).toEqual(await get(`/v1/invoices/${invoice.invoice.id}`));
    expect(invoice).toMatchObject({ invoice: { customerRef: 'CUST-NEW', totalMinor: 42_000, amountDueMinor: 42_000 }, workflowId: null });
  });
});

describe('invoice actions', () => {
  it('writes off an invoice without case', async () => {
    const [invoice] = await readAll('/v1/invoices?sort=number&customerRef=CUST-3', 1);

    const response = await api.app.inject({ method: 'POST', url: `/v1/invoices/${invoice!.id}/write-off`, headers: api.as.write, payload: { reason: 'Client en liquidation judiciaire' } });
    const again = await api.app.inject({ method: 'POST', url: `/v1/invoices/${invoice!.id}/write-off`, headers: api.as.write, payload: { reason: 'Client en liquidation judiciaire' } });

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ via: 'ledger', invoice: { status: 'written_off', amountDueMinor: 0, writtenOffMinor: invoice!.totalMinor } });
    expect(again.statusCode).toBe(409);
  });

  it('allocates on-account cash to an invoice', async () => {
    const payment = await post('/v1/payments', { customerRef: 'CUST-1', reference: 'VIR-ACOMPTE', amountMinor: 250_000, currency: 'EUR', receivedOn: dateFromToday(-2) });
    const [invoice] = await readAll('/v1/invoices?customerRef=CUST-1&status=open&sort=number', 1);

    const tooMuch = await api.app.inject({ method: 'POST', url: `/v1/payments/${payment.paymentId}/allocations`, headers: api.as.write, payload: { allocations: [{ invoiceId: invoice!.id, amountMinor: 260_000 }] } });
    const allocated = await api.app.inject({ method: 'POST', url: `/v1/payments/${payment.paymentId}/allocations`, headers: api.as.write, payload: { allocations: [{ invoiceId: invoice!.id, amountMinor: 200_000 }] } });
    const after = (await get(`/v1/invoices/${invoice!.id}`)) as { invoice: { amountDueMinor: number } };
    const onAccount = await readAll('/v1/payments?unallocated=true&customerRef=CUST-1', 10);

    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().detail).toMatch(/add up to 260000 but payment .* has 250000 EUR unallocated/);
    expect(allocated.statusCode, allocated.body).toBe(201);
    expect(allocated.json()).toMatchObject({ payment: { allocatedMinor: 200_000, unallocatedMinor: 50_000 }, allocations: [{ invoiceId: invoice!.id, amountMinor: 200_000 }] });
    expect(after.invoice.amountDueMinor).toBe(Number(invoice!.amountDueMinor) - 200_000);
    expect(onAccount.map((item) => item.reference)).toEqual(['VIR-ACOMPTE']);
  });
});

describe('cases', () => {
  it('bulk-starts cases matching a filter', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/v1/cases/bulk-start', headers: api.as.write, payload: { filter: { minDaysOverdue: 10 } } });
    const again = await api.app.inject({ method: 'POST', url: '/v1/cases/bulk-start', headers: api.as.write, payload: { filter: { minDaysOverdue: 10 } } });
    const cases = await readAll('/v1/cases?sort=daysOverdue', 2);

    const expected = (await readAll('/v1/invoices?status=open&minDaysOverdue=10', 50)).map((item) => item.id).sort();
    expect(expected).toHaveLength(6);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().started.map((started: { invoiceId: string }) => started.invoiceId).sort()).toEqual(expected);
    expect(response.json().failed).toEqual([]);
    expect(again.json().started).toEqual([]);
    expect(cases.map((item) => item.invoiceId).sort()).toEqual(expected);
    expect(cases.map((item) => item.daysOverdue)).toEqual([...cases.map((item) => item.daysOverdue)].sort((left, right) => Number(left) - Number(right)));
  });

  it('reads one case summary', async () => {
    const [first] = await readAll('/v1/cases', 1);

    const response = (await get(`/v1/cases/${first!.invoiceId}`)) as { case: { workflowId: string } };

    expect(response.case.workflowId).toBe(`dunning-case-${first!.invoiceId}`);
  });
});
