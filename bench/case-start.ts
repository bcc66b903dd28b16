// Case-start benchmark: imports N invoices through the import service, then starts the
// dunning case of each (startCaseForInvoice: scenario lookup, workflow start, cases row)
// with the worker running. The reference is the rate at which the same Temporal server
// starts an empty workflow. Run: npx tsx bench/case-start.ts [--size 2000]
import { randomUUID } from 'node:crypto';

import { startCaseForInvoice } from '../api/services/cases.js';
import { importInvoices } from './support/invoices.js';
import { inParallel, intOption, printFigures } from './support/machine.js';
import { REFERENCE_TASK_QUEUE, startReferenceWorker } from './support/reference-worker.js';
import { startStack, startWorker } from './support/stack.js';

const size = intOption('size', 2_000);
const concurrency = intOption('concurrency', 32);
// Each loop stops at its count or after this many seconds, whichever comes first.
const timeLimitMs = intOption('time-limit', 900) * 1000;

const stack = await startStack();
try {
  await startWorker(stack);
  await startReferenceWorker(stack);

  // Reference: start as many empty workflows, as fast, on the same server.
  const referenceIds = Array.from({ length: size }, () => `bench-empty-${randomUUID()}`);
  const referenceStarted = performance.now();
  let referenceDone = 0;
  await inParallel(referenceIds, concurrency, async (workflowId) => {
    if (performance.now() - referenceStarted > timeLimitMs) return;
    await stack.temporal.client.workflow.start('emptyWorkflow', { workflowId, taskQueue: REFERENCE_TASK_QUEUE });
    referenceDone += 1;
  });
  const referenceSeconds = (performance.now() - referenceStarted) / 1000;

  const importStarted = performance.now();
  const invoiceIds = await importInvoices(stack.sql, stack.directory, { count: size, customers: Math.max(1, Math.floor(size / 5)), issueDate: '2026-11-01', dueDate: '2027-06-30' });
  const imported = performance.now();
  let casesDone = 0;
  await inParallel(invoiceIds, concurrency, async (invoiceId) => {
    if (performance.now() - imported > timeLimitMs) return;
    await startCaseForInvoice(stack.sql, stack.temporal, invoiceId);
    casesDone += 1;
  });
  const finished = performance.now();

  const [cases] = await stack.sql<{ count: number }[]>`select count(*)::int as count from cases`;
  const importSeconds = (imported - importStarted) / 1000;
  const startSeconds = (finished - imported) / 1000;
  const totalSeconds = (finished - importStarted) / 1000;
  const referenceRate = referenceDone / referenceSeconds;
  const caseRate = casesDone / startSeconds;
  const endToEndRate = casesDone / totalSeconds;
  printFigures(`case start, ${size} invoices, ${concurrency} in flight`, [
    ['import', `${invoiceIds.length} invoices in ${importSeconds.toFixed(1)} s, ${Math.round(invoiceIds.length / importSeconds)} invoices/s`],
    ['case starts', `${casesDone} in ${startSeconds.toFixed(1)} s, ${caseRate.toFixed(1)} cases/s (${cases?.count ?? 0} rows in cases)`],
    ['end to end', `${totalSeconds.toFixed(1)} s, ${endToEndRate.toFixed(1)} cases/s (import and start)`],
    ['reference', `${referenceDone} empty workflows in ${referenceSeconds.toFixed(1)} s, ${referenceRate.toFixed(1)} starts/s`],
    ['ratio', `case starts ${(caseRate / referenceRate).toFixed(2)} x reference, end to end ${(endToEndRate / referenceRate).toFixed(2)} x reference`],
  ]);
} finally {
  await stack.stop();
}
