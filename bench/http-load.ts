// HTTP load benchmark: the API and the customer portal under a bounded load from a second
// process (autocannon) on 127.0.0.1: GET /health as the reference, GET /v1/cases?limit=50
// with an API key, and a customer's portal statement page. Prints requests per second and
// p99 latency of each. Run: npx tsx bench/http-load.ts [--rate 200] [--seconds 20]
import { spawn } from 'node:child_process';
import path from 'node:path';

import { startCaseForInvoice } from '../api/services/cases.js';
import { createApiKey } from '../api/services/api-keys.js';
import { portalSecretOf } from '../config/env.js';
import { PORTAL_REQUESTS_PER_MINUTE } from '../web/portal/routes.js';
import { signPortalToken } from '../web/portal/token.js';
import { importInvoices } from './support/invoices.js';
import { inParallel, intOption, printFigures } from './support/machine.js';
import { ROOT, startApi, startStack } from './support/stack.js';

const rate = intOption('rate', 200);
const seconds = intOption('seconds', 20);
const invoiceCount = intOption('size', 500);

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
}

/** Runs autocannon in a child process at a fixed rate and reads its JSON summary. */
async function load(url: string, options: { rate: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const args = ['--json', '--connections', '10', '--overallRate', String(options.rate), '--duration', String(options.seconds), '--timeout', '10'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('--headers', `${name}=${value}`);
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'autocannon'), [...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code} on ${url}`);
  const summary = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return { requestsPerSecond: summary.requests.average, p50: summary.latency.p50, p99: summary.latency.p99, ok: summary['2xx'], other: summary.non2xx + summary.errors + summary.timeouts };
}

const stack = await startStack();
try {
  const { url } = await startApi(stack);
  const invoiceIds = await importInvoices(stack.sql, stack.directory, { count: invoiceCount, customers: Math.max(1, Math.floor(invoiceCount / 5)), issueDate: '2026-11-01', dueDate: '2027-06-30' });
  await inParallel(invoiceIds, 16, async (invoiceId) => {
    await startCaseForInvoice(stack.sql, stack.temporal, invoiceId);
  });
  const { key } = await createApiKey(stack.sql, { name: 'bench', scopes: ['read'], rateLimitPerMinute: 100_000 });
  const [customer] = await stack.sql<{ id: string; portal_link_version: number }[]>`select id, portal_link_version from customers order by external_ref limit 1`;
  if (!customer) throw new Error('the benchmark import created no customer');
  const token = signPortalToken({ customerId: customer.id, linkVersion: customer.portal_link_version, expiresAt: new Date(Date.now() + 86_400_000) }, portalSecretOf(stack.env));

  // The key lifts the API's per-address limit (600 a minute) off /health as well.
  const headers = { authorization: `Bearer ${key}` };
  // Warm up each route so that the first compilations are not measured.
  await load(`${url}/health`, { rate: 50, seconds: 2, headers });
  const health = await load(`${url}/health`, { rate, seconds, headers });
  const cases = await load(`${url}/v1/cases?limit=50`, { rate, seconds, headers });
  // The portal allows PORTAL_REQUESTS_PER_MINUTE per client address: beyond it, 429.
  const portalLoaded = await load(`${url}/portal/${token}`, { rate, seconds });
  await new Promise((resolve) => setTimeout(resolve, 61_000));
  const portalRate = Math.max(1, Math.floor(PORTAL_REQUESTS_PER_MINUTE / 60));
  const portal = await load(`${url}/portal/${token}`, { rate: portalRate, seconds: Math.min(seconds, 55) });

  const line = (result: LoadResult) =>
    `${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.ok} 2xx, ${result.other} other; p99 ${(result.p99 / Math.max(1, health.p99)).toFixed(1)} x reference`;
  printFigures(`HTTP load, ${rate} req/s for ${seconds} s over 10 connections, ${invoiceCount} cases`, [
    ['GET /health (reference)', line(health)],
    ['GET /v1/cases?limit=50', line(cases)],
    [`GET /portal/:token at ${rate}/s`, line(portalLoaded)],
    [`GET /portal/:token at ${portalRate}/s`, line(portal)],
  ]);
} finally {
  await stack.stop();
}
