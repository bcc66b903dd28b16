// Reaction-time benchmark: how long from a payment recorded (recordPayment) or a promise
// to pay (updateCase promiseToPay) until the case's state shows it, while K other cases
// sleep on the same worker. Reference: the round trip of a bare signal and query on an
// empty workflow, polled the same way. Run: npx tsx bench/reaction-time.ts [--size 1000]
import { randomUUID } from 'node:crypto';

import { startCaseForInvoice, updateCase } from '../api/services/cases.js';
import { recordPayment } from '../api/services/ledger.js';
import type { CaseState } from '../domain/case.js';
import { dunningCaseWorkflowId } from '../domain/ids.js';
import { importInvoices } from './support/invoices.js';
import { inParallel, intOption, percentile, printFigures } from './support/machine.js';
import { REFERENCE_TASK_QUEUE, startReferenceWorker } from './support/reference-worker.js';
import { silentLogger, startStack, startWorker } from './support/stack.js';

const sleepingCases = intOption('size', 1_000);
const samples = intOption('samples', 100);
const POLL_MS = 5;
const WAIT_LIMIT_MS = 30_000;

/** Polls `probe` every POLL_MS until it is true; returns the milliseconds since `started`. */
async function until(started: number, probe: () => Promise<boolean>, limitMs = WAIT_LIMIT_MS): Promise<number> {
  while (!(await probe())) {
    if (performance.now() - started > limitMs) throw new Error(`no change seen within ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return performance.now() - started;
}

const stack = await startStack();
try {
  await startWorker(stack);
  await startReferenceWorker(stack);

  const background = await importInvoices(stack.sql, stack.directory, { count: sleepingCases, customers: Math.max(1, Math.floor(sleepingCases / 5)), issueDate: '2026-11-01', dueDate: '2027-06-30', prefix: 'BG' });
  await inParallel(background, 32, async (invoiceId) => {
    await startCaseForInvoice(stack.sql, stack.temporal, invoiceId);
  });
  const measured = await importInvoices(stack.sql, stack.directory, { count: samples * 2, customers: samples * 2, issueDate: '2026-11-01', dueDate: '2027-06-30', prefix: 'RT' });
  const invoices = await stack.sql<{ id: string; number: string; external_ref: string }[]>`
    select i.id, i.number, c.external_ref from invoices i join customers c on c.id = i.customer_id where i.number like 'RT-%' order by i.number`;
  for (const invoice of measured) await startCaseForInvoice(stack.sql, stack.temporal, invoice);
  const stateOf = (invoiceId: string) => stack.temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).query<CaseState>('caseState');
  // Every measured case has run its first workflow task before the clock starts.
  let lastError: unknown = null;
  const answers = async (invoiceId: string) => (await stateOf(invoiceId).catch((error: unknown) => ((lastError = error), null))) !== null;
  const ready = performance.now();
  for (const invoice of invoices) await until(ready, () => answers(invoice.id), 600_000).catch((error: unknown) => {
    throw new Error(`case of ${invoice.number} never answered its state query: ${(lastError as Error | null)?.message ?? (error as Error).message}`);
  });

  const paymentMs: number[] = [];
  for (const invoice of invoices.slice(0, samples)) {
    const before = (await stateOf(invoice.id)).balance?.paidMinor ?? 0;
    const started = performance.now();
    await recordPayment(stack.sql, stack.temporal, silentLogger, { customerRef: invoice.external_ref, reference: `VIR-${invoice.number}`, amountMinor: 100, currency: 'EUR', receivedOn: '2026-12-01', invoiceNumber: invoice.number });
    paymentMs.push(await until(started, async () => ((await stateOf(invoice.id)).balance?.paidMinor ?? 0) > before));
  }

  // A promise may name a date up to 60 days ahead.
  const promisedDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const promiseMs: number[] = [];
  for (const invoice of invoices.slice(samples)) {
    const started = performance.now();
    await updateCase(stack.sql, stack.temporal, invoice.id, 'promiseToPay', { promisedDate, amountMinor: 100, source: 'api' });
    promiseMs.push(await until(started, async () => (await stateOf(invoice.id)).promise !== null));
  }

  const referenceMs: number[] = [];
  const echo = await stack.temporal.client.workflow.start('echoWorkflow', { workflowId: `bench-echo-${randomUUID()}`, taskQueue: REFERENCE_TASK_QUEUE });
  await until(performance.now(), async () => (await echo.query<number>('lastPing').catch(() => null)) !== null);
  for (let index = 1; index <= samples; index += 1) {
    const started = performance.now();
    await echo.signal('ping', index);
    referenceMs.push(await until(started, async () => (await echo.query<number>('lastPing')) === index));
  }
  await echo.signal('ping', 0);

  const p50Reference = percentile(referenceMs, 50);
  const p99Reference = percentile(referenceMs, 99);
  const line = (values: number[]) => {
    const p50 = percentile(values, 50);
    const p99 = percentile(values, 99);
    return `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${(p50 / p50Reference).toFixed(1)} x and ${(p99 / p99Reference).toFixed(1)} x reference`;
  };
  printFigures(`reaction time, ${samples} samples each, ${sleepingCases} sleeping cases, polled every ${POLL_MS} ms`, [
    ['payment recorded', line(paymentMs)],
    ['promise to pay', line(promiseMs)],
    ['reference', `signal and query on an empty workflow: p50 ${p50Reference.toFixed(1)} ms, p99 ${p99Reference.toFixed(1)} ms`],
  ]);
} finally {
  await stack.stop();
}
