// Write-offs through the API on invoices whose case runs, and cases that end on funds the
// ledger had not allocated yet (cash and credit notes on account). The invoice must show
// the same balance through the API as in its case.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerPair } from '../../worker/worker-pair.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadEnv } from '../../config/env.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { createWorker } from '../../worker/worker.js';
import { recordHistory } from '../support/histories.js';
import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;
let worker: WorkerPair;
let workerRun: Promise<void>;

interface InvoiceView {
  id: string;
  status: string;
  amountDueMinor: number;
  paidMinor: number;
  creditedMinor: number;
  writtenOffMinor: number;
}

async function post(url: string, payload: object) {
  const response = await api.app.inject({ method: 'POST', url, headers: api.as.write, payload });
  if (response.statusCode >= 400) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function createInvoice(customerRef: string, number: string, totalMinor: number, startCase = true): Promise<string> {
  const body = await post('/v1/invoices', { customerRef, number, currency: 'EUR', totalMinor, issueDate: '2026-01-02', dueDate: '2026-02-01', startCase });
  return (body.invoice ?? body).id as string;
}

async function readInvoice(id: string): Promise<InvoiceView> {
  const response = await api.app.inject({ method: 'GET', url: `/v1/invoices/${id}`, headers: api.as.read });
  return response.json().invoice;
}

function writeOff(id: string, reason = 'Client en liquidation judiciaire') {
  return api.app.inject({ method: 'POST', url: `/v1/invoices/${id}/write-off`, headers: api.as.write, payload: { reason } });
}

async function caseOf(id: string): Promise<{ terminal_state: string | null }> {
  const response = await api.app.inject({ method: 'GET', url: `/v1/invoices/${id}/case`, headers: api.as.read });
  return response.json().case;
}

async function waitForEnd(id: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const state = (await caseOf(id)).terminal_state;
    if (state) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the case of invoice ${id} did not end within 20 s`);
}

beforeAll(async () => {
  environment = await createDevEnvironment();
  const taskQueue = `write-off-${Date.now()}`;
  api = await createTestApi(environment, taskQueue);
  const env = loadEnv({ NODE_ENV: 'test', TEMPORAL_ADDRESS: environment.address });
  ({ worker } = await createWorker({ env, sql: api.database.sql, logger: pino({ level: 'silent' }), connection: environment.nativeConnection, taskQueue }));
  workerRun = worker.run();
  for (const ref of ['WO-RUN', 'WO-CREDIT', 'WO-CASH']) await post('/v1/customers', { externalRef: ref, name: `${ref} SAS` });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await api?.close();
  await environment?.teardown();
});

describe('write-off of an invoice with a running case', () => {
  // Sent once, three times at once, and again after the case ended.
  it('writes off once per invoice', { timeout: 60_000 }, async () => {
    const single = await createInvoice('WO-RUN', 'WO-RUN-1', 12_000);
    const concurrent = await createInvoice('WO-RUN', 'WO-RUN-2', 34_000);

    const first = await writeOff(single);
    const together = await Promise.all([writeOff(concurrent), writeOff(concurrent), writeOff(concurrent)]);
    const later = await writeOff(single);

    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ via: 'case', invoice: { status: 'written_off', amountDueMinor: 0, writtenOffMinor: 12_000 } });
    for (const response of together) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().invoice).toMatchObject({ status: 'written_off', writtenOffMinor: 34_000 });
    }
    expect(later.statusCode).toBe(409);
    expect(later.json().detail).toBe('invoice WO-RUN-1 has nothing due (status written_off): there is nothing to write off');
    const rows = await api.database.sql<{ invoice_id: string; amount_minor: number }[]>`
      select invoice_id, amount_minor from write_offs where invoice_id in (${single}, ${concurrent}) order by amount_minor`;
    expect(rows.map((row) => [row.invoice_id, Number(row.amount_minor)])).toEqual([[single, 12_000], [concurrent, 34_000]]);
  });
});

describe('funds on account at the end of a case', () => {
  // The credit note settles the oldest invoice, so a write-off afterwards finds nothing due.
  it('allocates an on-account credit note', { timeout: 60_000 }, async () => {
    await post('/v1/invoices', { customerRef: 'WO-CREDIT', number: 'AV-1', kind: 'credit_note', currency: 'EUR', totalMinor: 10_000, issueDate: '2026-01-10', dueDate: '2026-01-10' });
    const invoice = await createInvoice('WO-CREDIT', 'WO-CREDIT-1', 10_000);

    expect(await waitForEnd(invoice)).toBe('settled_by_credit_note');
    await recordHistory('on-account-credit-note-settles', environment.client.workflow.getHandle(dunningCaseWorkflowId(invoice)));
    const settled = await readInvoice(invoice);
    const response = await writeOff(invoice);

    expect(settled).toMatchObject({ status: 'paid', amountDueMinor: 0, creditedMinor: 10_000, writtenOffMinor: 0 });
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json().detail).toBe('invoice WO-CREDIT-1 has nothing due (status paid): there is nothing to write off');
    const [creditNote] = await api.database.sql<{ due_minor: number; status: string }[]>`select due_minor, status from document_balances where number = 'AV-1'`;
    expect({ dueMinor: Number(creditNote?.due_minor), status: creditNote?.status }).toEqual({ dueMinor: 0, status: 'used' });
  });

  it('allocates on-account cash before writing off', { timeout: 60_000 }, async () => {
    const payment = await post('/v1/payments', { customerRef: 'WO-CASH', reference: 'VIR-ACOMPTE', amountMinor: 4_000, currency: 'EUR', receivedOn: '2026-03-01' });
    const invoice = await createInvoice('WO-CASH', 'WO-CASH-1', 10_000);

    const response = await writeOff(invoice);

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ via: 'case', invoice: { status: 'written_off', amountDueMinor: 0, paidMinor: 4_000, writtenOffMinor: 6_000 } });
    await waitForEnd(invoice);
    await recordHistory('on-account-cash-write-off', environment.client.workflow.getHandle(dunningCaseWorkflowId(invoice)));
    const allocations = await api.database.sql<{ invoice_id: string; amount_minor: number }[]>`
      select invoice_id, amount_minor from allocations where payment_id = ${payment.paymentId}`;
    expect(allocations.map((row) => [row.invoice_id, Number(row.amount_minor)])).toEqual([[invoice, 4_000]]);
  });
});
