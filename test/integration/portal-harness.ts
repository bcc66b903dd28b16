// A running portal for tests: a Temporal dev server, a test database, a real worker and
// the API from buildApp listening on a free port, with every log line captured.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { WorkerPair } from '../../worker/worker-pair.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { OutboxMailer } from '../../activities/mailer.js';
import { buildApp } from '../../api/app.js';
import { startCaseForInvoice } from '../../api/services/cases.js';
import { ensureDefaultScenario } from '../../api/services/scenarios.js';
import type { TemporalHandle } from '../../api/temporal.js';
import { loadEnv, type Env } from '../../config/env.js';
import { createWorker, installRuntimeLogger } from '../../worker/worker.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import { issuePortalLink } from '../../web/portal/access.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createDevEnvironment } from '../support/temporal.js';

installRuntimeLogger(pino({ level: 'warn' }));

export interface PortalStack {
  baseUrl: string;
  app: FastifyInstance;
  env: Env;
  db: TestDatabase;
  temporal: TemporalHandle;
  /** Every line the API logged, as written. */
  logLines: string[];
  /** Headers for /v1 calls: an admin API key when the API checks keys. */
  apiHeaders: Record<string, string>;
  dataDir: string;
  close(): Promise<void>;
}

export const TEST_PORTAL_SECRET = 'portal-test-secret-0123456789abcdefghijklmnop';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Starts the stack; PORTAL_BASE_URL points at the port the API listens on, so links in e-mails open this portal. */
export async function startPortalStack(extraEnv: Record<string, string> = {}): Promise<PortalStack> {
  const port = await freePort();
  const temporalEnv: TestWorkflowEnvironment = await createDevEnvironment();
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-portal-'));
  const taskQueue = `portal-${randomUUID()}`;
  await ensureDefaultScenario(db.sql);

  const logLines: string[] = [];
  const logger = pino({ level: 'info', redact: { paths: ['req.headers.cookie'], censor: '[redacted]' } }, { write: (line: string) => void logLines.push(line) });
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    PORTAL_SECRET: TEST_PORTAL_SECRET,
    PORTAL_BASE_URL: `http://127.0.0.1:${port}/portal`,
    COMPANY_IBAN: 'FR7630006000011234567890189',
    COMPANY_BIC: 'AGRIFRPPXXX',
    ...extraEnv,
  });
  const temporal: TemporalHandle = { client: temporalEnv.client, connection: temporalEnv.connection, taskQueue, close: async () => {} };

  const { worker }: { worker: WorkerPair } = await createWorker({ env, sql: db.sql, logger: pino({ level: 'silent' }), mailer: new OutboxMailer(), connection: temporalEnv.nativeConnection, taskQueue });
  const running = worker.run();

  const app = await buildApp({ env, sql: db.sql, temporal, logger });
  await app.listen({ host: '127.0.0.1', port });

  const apiHeaders = await adminHeaders(db);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    env,
    db,
    temporal,
    logLines,
    apiHeaders,
    dataDir,
    close: async () => {
      await app.close();
      worker.shutdown();
      await running;
      await temporalEnv.teardown();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an admin API key when the API has key management; an API without it needs no header. */
async function adminHeaders(db: TestDatabase): Promise<Record<string, string>> {
  const modulePath = '../../api/services/api-keys.js';
  const keys = (await import(modulePath).catch(() => null)) as { createApiKey?: (sql: unknown, input: unknown) => Promise<{ key: string }> } | null;
  if (!keys?.createApiKey) return {};
  const { key } = await keys.createApiKey(db.sql, { name: 'portal tests', scopes: ['admin'] });
  return { authorization: `Bearer ${key}` };
}

export interface SeededCustomer {
  id: string;
  invoices: { id: string; number: string }[];
}

/**
 * Stores a business customer with an invoicing contact and invoices due `daysLate` days
 * ago, each with a running dunning case.
 */
export async function seedCustomer(
  stack: PortalStack,
  input: { ref: string; name: string; language?: 'fr' | 'en'; email?: string; invoices: { number: string; totalMinor: number; daysLate: number }[]; startCases?: boolean },
): Promise<SeededCustomer> {
  const { sql } = stack.db;
  const [customer] = await sql<{ id: string }[]>`
    insert into customers (external_ref, name, language, is_business) values (${input.ref}, ${input.name}, ${input.language ?? 'fr'}, true) returning id`;
  if (!customer) throw new Error(`customer ${input.ref} was not stored`);
  await sql`insert into contacts (customer_id, role, name, email) values (${customer.id}, 'invoicing', 'Camille Martin', ${input.email ?? `ap@${input.ref}.example`})`;

  const today = localDateOf(new Date(), 'Europe/Paris');
  const invoices: { id: string; number: string }[] = [];
  for (const invoice of input.invoices) {
    const dueDate = addDays(today, -invoice.daysLate);
    const [row] = await sql<{ id: string }[]>`
      insert into invoices (customer_id, number, currency, total_minor, issue_date, due_date)
      values (${customer.id}, ${invoice.number}, 'EUR', ${invoice.totalMinor}, ${addDays(dueDate, -30)}, ${dueDate}) returning id`;
    if (!row) throw new Error(`invoice ${invoice.number} was not stored`);
    if (input.startCases !== false) await startCaseForInvoice(sql, stack.temporal, row.id);
    invoices.push({ id: row.id, number: invoice.number });
  }
  return { id: customer.id, invoices };
}

/** Signs a portal link for the customer at their current link version. */
export async function portalUrlOf(stack: PortalStack, customerId: string, options: { now?: Date; ttlDays?: number } = {}): Promise<string> {
  const [row] = await stack.db.sql<{ portal_link_version: number }[]>`select portal_link_version from customers where id = ${customerId}`;
  const link = issuePortalLink(
    { id: customerId, linkVersion: row?.portal_link_version ?? 1 },
    { baseUrl: `${stack.baseUrl}/portal`, secrets: TEST_PORTAL_SECRET, ttlDays: options.ttlDays ?? 30, now: options.now ?? new Date() },
  );
  return link.url;
}

/** Polls until `probe` returns a value other than undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A browser-like client without JavaScript: keeps cookies and never follows redirects by itself. */
export class PortalClient {
  readonly cookies = new Map<string, string>();

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair && index > 0) this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  }

  async get(url: string): Promise<{ status: number; body: string; headers: Headers }> {
    const response = await fetch(url, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.remember(response);
    return { status: response.status, body: await response.text(), headers: response.headers };
  }

  async getBytes(url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const response = await fetch(url, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.remember(response);
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  async post(url: string, body: URLSearchParams | FormData): Promise<{ status: number; body: string; location: string | null }> {
    const response = await fetch(url, { method: 'POST', body, headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.remember(response);
    return { status: response.status, body: await response.text(), location: response.headers.get('location') };
  }
}

/** Reads the hidden form id and CSRF token of the first form in a page. */
export function formProtectionOf(html: string): { form: string; csrf: string } {
  const form = /name="form" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!form || !csrf) throw new Error('the page has no protected form');
  return { form, csrf };
}
