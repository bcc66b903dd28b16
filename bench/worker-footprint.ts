// Worker footprint benchmark: resident memory and CPU of one worker process (worker/main.ts
// as a child process) holding N open, sleeping dunning cases, against the same worker
// holding none. Samples /proc/PID/status and /proc/PID/stat. Linux only.
// Run: npx tsx bench/worker-footprint.ts [--size 2000]
import { spawn } from 'node:child_process';

import { startCaseForInvoice } from '../api/services/cases.js';
import { importInvoices } from './support/invoices.js';
import { inParallel, intOption, printFigures } from './support/machine.js';
import { measureProcess, waitUntilIdle } from './support/proc.js';
import { ROOT, startStack, stopChild } from './support/stack.js';

const size = intOption('size', 2_000);
const sampleMs = intOption('sample-seconds', 15) * 1000;
const settleTimeoutMs = intOption('settle-seconds', 300) * 1000;

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

const stack = await startStack();
try {
  // `node --import tsx` keeps the worker in one process, so its PID is the one to sample.
  const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.env.TEMPORAL_ADDRESS, RESEND_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  stack.onStop(() => stopChild(worker));
  const pid = worker.pid ?? 0;

  // The worker is ready once it has bundled its workflows and gone quiet.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await waitUntilIdle(pid, 0.05, 120_000);
  const empty = await measureProcess(pid, sampleMs);

  const invoiceIds = await importInvoices(stack.sql, stack.directory, { count: size, customers: Math.max(1, Math.floor(size / 5)), issueDate: '2026-11-01', dueDate: '2027-06-30' });
  const started = performance.now();
  await inParallel(invoiceIds, 32, async (invoiceId) => {
    if (performance.now() - started > settleTimeoutMs) return;
    await startCaseForInvoice(stack.sql, stack.temporal, invoiceId);
  });
  const settled = await waitUntilIdle(pid, 0.05, settleTimeoutMs);
  const [open] = await stack.sql<{ count: number }[]>`select count(*)::int as count from cases where status = 'active'`;
  const loaded = await measureProcess(pid, sampleMs);

  printFigures(`worker footprint, ${size} sleeping cases, sampled ${sampleMs / 1000} s`, [
    ['no case', `RSS ${mib(empty.meanRssBytes)}, CPU ${(empty.cpuShare * 100).toFixed(1)} % of a core`],
    [`${open?.count ?? 0} cases`, `RSS ${mib(loaded.meanRssBytes)} (peak ${mib(loaded.peakRssBytes)}), CPU ${(loaded.cpuShare * 100).toFixed(1)} % of a core${settled ? '' : ' (still busy when sampled)'}`],
    ['per case', `${((loaded.meanRssBytes - empty.meanRssBytes) / Math.max(1, open?.count ?? 0) / 1024).toFixed(1)} KiB`],
    ['ratio', `RSS ${(loaded.meanRssBytes / empty.meanRssBytes).toFixed(2)} x reference (no case)`],
  ]);
} finally {
  await stack.stop();
}
