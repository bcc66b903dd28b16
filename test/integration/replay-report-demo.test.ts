// The live demo's loading step against a test database and the Temporal dev server. A
// receivables history in the accounts-receivable-history layout is imported, and a slice
// of it is moved to today. Its cases then start with their first reminders minutes away.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatDemo, loadDemo, type DemoResult } from '../../cli/commands/demo.js';
import { loadEnv, type Env } from '../../config/env.js';
import { localDateOf } from '../../domain/dates.js';
import { importFile } from '../../imports/detect.js';
import type { ImportResult } from '../../imports/records.js';
import { verifyPortalToken } from '../../web/portal/token.js';
import { createEngine, waitFor, type Engine } from '../support/engine.js';

let engine: Engine;
let env: Env;
let directory: string;
let history: ImportResult;

/** Six customers: customer N has N + 2 invoices issued on the 2nd of successive months of 2013, each due a month later. */
function receivablesCsv(): string {
  const header = 'countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate';
  const rows: string[] = [];
  for (let customer = 1; customer <= 6; customer += 1) {
    for (let index = 0; index <= customer + 1; index += 1) {
      const month = 1 + index;
      rows.push(`391,${customer}000-ABCDE,1/1/2013,${customer}${String(index).padStart(3, '0')},${month}/2/2013,${month + 1}/2/2013,${customer * 100 + index}.50,No,${month + 1}/10/2013,Paper,39,8`);
    }
  }
  return [header, ...rows].join('\n') + '\n';
}

beforeAll(async () => {
  engine = await createEngine();
  directory = await mkdtemp(path.join(os.tmpdir(), 'relance-demo-'));
  const file = path.join(directory, 'history.csv');
  await writeFile(file, receivablesCsv());
  history = await importFile(file, { mode: 'partial', preset: 'accounts-receivable-history', currency: 'EUR' });
  env = loadEnv({ NODE_ENV: 'test', DATABASE_URL: engine.db.url, TEMPORAL_TASK_QUEUE: engine.temporal.taskQueue, PORTAL_SECRET: 'demo-test-secret-0123456789abcdefghijkl' });
});

afterAll(async () => {
  await engine?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('live demo loading', () => {
  test('starts cases due within minutes', async () => {
    const now = new Date();
    const today = localDateOf(now, 'Europe/Paris');

    const demo = await engine.run(async () => {
      const loaded = await loadDemo({ sql: engine.db.sql, temporal: engine.temporal, env }, history, { customers: 5, invoicesPerCustomer: 4, now });
      for (const invoice of loaded.invoices) {
        const state = await waitFor(async () => {
          const current = await engine.state(invoice.id);
          return current.nextStep ? current : undefined;
        }, `the plan of ${invoice.number}`);
        const minutesAway = (Date.parse(state.nextStep!.scheduledAt) - now.getTime()) / 60_000;
        expect(state.status).toBe('active');
        expect(minutesAway).toBeGreaterThan(0);
        expect(minutesAway).toBeLessThanOrEqual(6);
      }
      return loaded;
    });

    expect(demo.customers).toHaveLength(5);
    expect(demo.invoices).toHaveLength(20);
    expect(demo.customers.map((customer) => customer.externalRef.endsWith('000-ABCDE'))).toEqual([true, true, true, true, true]);
    expect(demo.customers.some((customer) => customer.externalRef.startsWith(`${demo.tag}-1000`))).toBe(false);
    expect(demo.invoices.every((invoice) => invoice.dueDate === today)).toBe(true);
    expect(demo.customers.every((customer) => customer.email.endsWith('@example.org'))).toBe(true);
    const [cases] = await engine.db.sql<{ count: number }[]>`
      select count(*)::int as count from cases where invoice_id in ${engine.db.sql(demo.invoices.map((invoice) => invoice.id))} and status = 'active'`;
    expect(cases?.count).toBe(20);
  });

  test('keeps amounts and terms of the history', async () => {
    const demo = await engine.run(() => loadDemo({ sql: engine.db.sql, temporal: engine.temporal, env }, history, { customers: 1, invoicesPerCustomer: 2, now: new Date() }));
    const numbers = demo.invoices.map((invoice) => invoice.number.replace(`-${demo.tag}`, ''));

    expect(numbers).toEqual(['6007', '6006']);
    expect(demo.invoices.map((invoice) => invoice.totalMinor)).toEqual([60_750, 60_650]);
    const [row] = await engine.db.sql<{ terms: number }[]>`select (due_date - issue_date)::int as terms from invoices where id = ${demo.invoices[0]!.id}`;
    expect(row?.terms).toBe(31);
  });

  test('runs twice without collisions', async () => {
    const first = await engine.run(() => loadDemo({ sql: engine.db.sql, temporal: engine.temporal, env }, history, { customers: 2, invoicesPerCustomer: 1, now: new Date(Date.now() + 1000) }));
    const second = await engine.run(() => loadDemo({ sql: engine.db.sql, temporal: engine.temporal, env }, history, { customers: 2, invoicesPerCustomer: 1, now: new Date(Date.now() + 2000) }));

    expect(second.tag).not.toBe(first.tag);
    expect(new Set([...first.invoices, ...second.invoices].map((invoice) => invoice.workflowId)).size).toBe(4);
  });

  test('prints links that work', async () => {
    const demo: DemoResult = await engine.run(() => loadDemo({ sql: engine.db.sql, temporal: engine.temporal, env }, history, { customers: 2, invoicesPerCustomer: 1, now: new Date(Date.now() + 3000) }));
    const token = demo.portalUrl.split('/').at(-1) ?? '';
    const text = formatDemo(demo, env);

    expect(verifyPortalToken(token, env.PORTAL_SECRET!, new Date())).toMatchObject({ valid: true, claims: { customerId: demo.customers[0]!.id } });
    expect(decodeURIComponent(demo.temporalUiUrl)).toContain(`CustomerId IN ("${demo.customers[0]!.id}", "${demo.customers[1]!.id}")`);
    expect(text).toContain(demo.outboxUrl);
    expect(text).toContain('admin@relance.local');
  });
});
