import { Command, InvalidArgumentError } from 'commander';

import { customerInputSchema, invoiceInputSchema } from '../../api/schemas.js';
import { startCaseForInvoice } from '../../api/services/cases.js';
import { insertInvoice, upsertCustomer } from '../../api/services/ledger.js';
import { saveScenario } from '../../api/services/scenarios.js';
import { connectTemporal, type TemporalHandle } from '../../api/temporal.js';
import { loadEnv, portalSecretOf, type Env } from '../../config/env.js';
import type { Sql } from '../../db/client.js';
import { addDays, daysBetween, localDateOf } from '../../domain/dates.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { DEVELOPMENT_ADMIN_EMAIL } from '../../api/services/users.js';
import { importFile } from '../../imports/detect.js';
import type { ImportedInvoice, ImportResult } from '../../imports/records.js';
import { issuePortalLink } from '../../web/portal/access.js';
import { connectDatabase, explainDatabaseError } from '../database.js';

// `relance demo FILE`: a live demo on the running stack. It takes a slice of a receivables
// history (about 20 invoices of 5 customers), moves it to today, and starts the cases on
// demo scenarios counted in minutes, so that reminders reach the outbox within minutes.
// Every run gets its own tag in customer refs, invoice numbers and scenario ids, so a
// second run adds a second demo instead of colliding with the first.

/** Minutes from a case's start to its first step, for the customer in the first wave; each later customer starts a minute later. */
const FIRST_STEP_MINUTES = 1;
const DEMO_TIME_ZONE = 'Europe/Paris';

export interface DemoOptions {
  customers: number;
  invoicesPerCustomer: number;
  preset?: string;
  currency?: string;
  now: Date;
}

export interface DemoResult {
  tag: string;
  customers: { id: string; externalRef: string; email: string; scenarioId: string }[];
  invoices: { id: string; number: string; workflowId: string; totalMinor: number; currency: string; dueDate: string }[];
  temporalUiUrl: string;
  outboxUrl: string;
  portalUrl: string;
  backofficeUrl: string;
}

/** Builds the demo scenario of one wave: two e-mails and a call task, `wave` minutes after the first wave. */
export function demoScenarioOf(id: string, wave: number): ScenarioInput {
  const start = FIRST_STEP_MINUTES + wave;
  return {
    id,
    version: 1,
    name: { fr: `Démo, vague ${wave + 1}`, en: `Demo, wave ${wave + 1}` },
    mode: 'demo',
    calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '00:00', end: '23:59' }, nonBusinessDayRule: 'next_business_day' },
    steps: [
      { key: 'r1', offsetMinutes: start, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
      { key: 'r2', offsetMinutes: start + 3, channel: 'email', templateKey: 'reminder', tone: 'firm' },
      { key: 'r3', offsetMinutes: start + 6, channel: 'phone', templateKey: 'call', tone: 'firm' },
    ],
  };
}

/** Picks the customers with the most invoices, and the latest invoices of each, from the imported records. */
export function pickSlice(result: ImportResult, options: Pick<DemoOptions, 'customers' | 'invoicesPerCustomer'>): Map<string, ImportedInvoice[]> {
  const byCustomer = new Map<string, ImportedInvoice[]>();
  for (const invoice of result.invoices) {
    if (invoice.kind !== 'invoice' || invoice.totalMinor <= 0) continue;
    byCustomer.set(invoice.customerRef, [...(byCustomer.get(invoice.customerRef) ?? []), invoice]);
  }
  const ranked = [...byCustomer.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).slice(0, options.customers);
  return new Map(ranked.map(([ref, invoices]) => [ref, [...invoices].sort((a, b) => b.issueDate.localeCompare(a.issueDate)).slice(0, options.invoicesPerCustomer)]));
}

function temporalUiUrl(env: Env, customerIds: string[]): string {
  const query = `CustomerId IN (${customerIds.map((id) => `"${id}"`).join(', ')})`;
  return `${env.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows?query=${encodeURIComponent(query)}`;
}

/**
 * Loads the slice into the ledger with due dates of today and starts its cases. Invoices
 * keep their amounts and their payment terms (issue date = today - terms); customers get
 * a contact under example.org and one demo scenario per customer, a minute apart.
 */
export async function loadDemo(deps: { sql: Sql; temporal: TemporalHandle; env: Env }, result: ImportResult, options: DemoOptions): Promise<DemoResult> {
  const slice = pickSlice(result, options);
  if (slice.size === 0) throw new Error(`no invoice with an amount above zero was found in the ${result.format} file: give a receivables history that contains invoices`);

  const tag = `demo-${options.now.getTime().toString(36)}`;
  const today = localDateOf(options.now, DEMO_TIME_ZONE);
  const names = new Map(result.customers.map((customer) => [customer.externalRef, customer.name]));
  const demo: DemoResult = { tag, customers: [], invoices: [], temporalUiUrl: '', outboxUrl: '', portalUrl: '', backofficeUrl: '' };

  let wave = 0;
  for (const [ref, invoices] of slice) {
    const scenario = await saveScenario(deps.sql, demoScenarioOf(`${tag}-${wave + 1}`, wave));
    const email = `accounts-${wave + 1}.${tag}@example.org`;
    const { customer } = await upsertCustomer(deps.sql, customerInputSchema.parse({
      externalRef: `${tag}-${ref}`,
      name: names.get(ref) ?? ref,
      timeZone: DEMO_TIME_ZONE,
      scenarioId: scenario.id,
      contacts: [{ role: 'accounts_payable', email }],
    }));
    demo.customers.push({ id: customer.id, externalRef: customer.external_ref, email, scenarioId: scenario.id });

    for (const source of invoices) {
      const termsDays = source.dueDate ? Math.max(0, daysBetween(source.issueDate, source.dueDate)) : 30;
      const input = invoiceInputSchema.parse({
        customerRef: customer.external_ref,
        number: `${source.number}-${tag}`,
        currency: source.currency,
        totalMinor: source.totalMinor,
        issueDate: addDays(today, -termsDays),
        dueDate: today,
        startCase: false,
      });
      const { invoice } = await insertInvoice(deps.sql, customer, input);
      const { workflowId } = await startCaseForInvoice(deps.sql, deps.temporal, invoice.id);
      demo.invoices.push({ id: invoice.id, number: invoice.number, workflowId, totalMinor: invoice.total_minor, currency: invoice.currency, dueDate: today });
    }
    wave += 1;
  }

  const base = `http://${deps.env.HOST}:${deps.env.PORT}`;
  const first = demo.customers[0]!;
  const [linkRow] = await deps.sql<{ portal_link_version: number }[]>`select portal_link_version from customers where id = ${first.id}`;
  const link = issuePortalLink(
    { id: first.id, linkVersion: linkRow?.portal_link_version ?? 1 },
    { baseUrl: deps.env.PORTAL_BASE_URL, secrets: portalSecretOf(deps.env), ttlDays: deps.env.PORTAL_LINK_TTL_DAYS, now: options.now },
  );
  return {
    ...demo,
    temporalUiUrl: temporalUiUrl(deps.env, demo.customers.map((customer) => customer.id)),
    outboxUrl: `${base}/outbox`,
    portalUrl: link.url,
    backofficeUrl: `${base}/backoffice`,
  };
}

/** Formats where to look, in the order a visitor would open them. */
export function formatDemo(demo: DemoResult, env: Env): string {
  const lastWave = FIRST_STEP_MINUTES + demo.customers.length - 1;
  return [
    `Demo ${demo.tag}: ${demo.invoices.length} invoices of ${demo.customers.length} customers, due today; cases started.`,
    `First reminders go out ${FIRST_STEP_MINUTES} to ${lastWave} minutes from now, second ones 3 minutes later, then a call task.`,
    '',
    `Cases in the Temporal UI:  ${demo.temporalUiUrl}`,
    `E-mails in the outbox:     ${demo.outboxUrl}`,
    `Portal of ${demo.customers[0]?.externalRef}: ${demo.portalUrl}`,
    `Back-office:               ${demo.backofficeUrl}`,
    `  sign in as ${DEVELOPMENT_ADMIN_EMAIL} with the password \`npm start\` printed at its first start,`,
    `  also stored in ${env.DATA_DIR}/development-admin-password.`,
    '',
  ].join('\n');
}

async function requireRunningStack(env: Env): Promise<void> {
  const url = `http://${env.HOST}:${env.PORT}/health`;
  let status: number;
  try {
    status = (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    throw new Error(`no Relance API responded at ${url}: start Relance with \`npm start\` first, then run the demo again`);
  }
  if (status !== 200) throw new Error(`Relance at ${url} reports that PostgreSQL or Temporal is unavailable (HTTP ${status}): wait for \`npm start\` to finish, then run the demo again`);
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 50) throw new InvalidArgumentError(`expected a whole number from 1 to 50 (got "${value}")`);
  return count;
}

async function runDemo(file: string, options: { customers: number; invoices: number; preset?: string; currency?: string }): Promise<void> {
  const env = loadEnv();
  await requireRunningStack(env);

  const result = await importFile(file, { mode: 'partial', preset: options.preset ?? 'accounts-receivable-history', currency: options.currency });
  const { sql, url } = connectDatabase();
  let temporal: TemporalHandle | undefined;
  try {
    temporal = await connectTemporal(env);
    const demo = await loadDemo({ sql, temporal, env }, result, { customers: options.customers, invoicesPerCustomer: options.invoices, now: new Date() });
    process.stdout.write(formatDemo(demo, env));
  } catch (error) {
    throw new Error(explainDatabaseError(error, url), { cause: error });
  } finally {
    await temporal?.close();
    await sql.end({ timeout: 5 });
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('Load a slice of a receivables history into the running Relance, due today, and start its cases on a scenario counted in minutes')
    .argument('<file>', 'receivables history: CSV (accounts-receivable-history preset by default) or FEC')
    .option('--customers <count>', 'customers to take, those with the most invoices first', parseCount, 5)
    .option('--invoices <count>', 'latest invoices to take per customer', parseCount, 4)
    .option('--preset <preset>', 'CSV column preset (default accounts-receivable-history)')
    .option('--currency <code>', 'ISO 4217 currency of rows without one', 'EUR')
    .action(runDemo);
}
