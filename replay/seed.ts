import { applyImport } from '../api/services/imports.js';
import { ensureDefaultScenario, findScenario } from '../api/services/scenarios.js';
import type { Sql } from '../db/client.js';
import { DEFAULT_SCENARIO } from '../domain/default-scenario.js';
import { addDays, type CalendarDate } from '../domain/dates.js';
import { halfYearOf, type LatePaymentRateTable } from '../domain/rates.js';
import type { Scenario } from '../domain/scenario.js';
import type { ReplayHistory } from './history.js';

// The ledger when the replay starts: customers and invoices at their full amount due.
// Settlements are events of the timeline, so nothing is paid yet.

/** Domain of the replay's contact addresses; RFC 2606 reserves .invalid, so no address can ever receive mail. */
const CONTACT_DOMAIN = 'replay.invalid';

/**
 * Returns the scenario with id `scenarioId`: the latest version stored in the
 * application's database, else the built-in French default when the id is its id.
 */
export async function readReplayScenario(applicationSql: Sql, scenarioId: string): Promise<Scenario> {
  const stored = await findScenario(applicationSql, scenarioId);
  if (stored) return stored;
  if (scenarioId === DEFAULT_SCENARIO.id) return DEFAULT_SCENARIO;
  throw new Error(`scenario "${scenarioId}" not found in the application's database: create it first, or replay with --scenario ${DEFAULT_SCENARIO.id}`);
}

/**
 * Returns a copy of the scenario whose steps claim no late penalties, under its own id,
 * for histories older than the late-payment rate table.
 */
export function withoutPenalties(scenario: Scenario): Scenario {
  if (!scenario.steps.some((step) => step.claimsPenalties)) return scenario;
  return { ...scenario, id: `${scenario.id}-no-penalties`, steps: scenario.steps.map((step) => ({ ...step, claimsPenalties: false })) };
}

/**
 * Throws when the scenario claims late penalties but the rate table lacks a half-year
 * between the earliest due date and the end of the history. Otherwise the claiming step
 * would fail on every attempt and hold its case for the rest of the replay.
 */
export function checkRateCoverage(scenario: Scenario, dueDates: CalendarDate[], endDate: CalendarDate, table: LatePaymentRateTable): void {
  if (!scenario.steps.some((step) => step.claimsPenalties)) return;
  const first = [...dueDates].sort()[0];
  if (first === undefined) return;

  const known = new Set(table.halfYears.map((entry) => entry.halfYear));
  const missing: string[] = [];
  for (let date = first; date <= endDate; date = addDays(date, 28)) {
    const halfYear = halfYearOf(date);
    if (!known.has(halfYear) && !missing.includes(halfYear)) missing.push(halfYear);
  }
  if (!known.has(halfYearOf(endDate)) && !missing.includes(halfYearOf(endDate))) missing.push(halfYearOf(endDate));
  if (missing.length === 0) return;
  throw new Error(
    `scenario ${scenario.id} claims late penalties, but the late-payment rate table (config/rates/fr-late-payment.json) has no rates for ${missing.join(', ')}: ` +
      'add those half-years to the table, or replay with --no-penalties',
  );
}

/** Local part of a contact address built from a customer reference: lowercase letters, digits and dashes. */
function addressOf(customerRef: string): string {
  const local = customerRef.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `ap-${local || 'customer'}@${CONTACT_DOMAIN}`;
}

/**
 * Stores the scenario, customers and invoices through the import service. Every invoice
 * is stored at its full total: the history's payments and credit notes come later as
 * events. Each customer gets an accounts-payable contact under .invalid, because the
 * histories carry no addresses and a customer without one gets no e-mail at all.
 */
export async function seedLedger(sql: Sql, history: ReplayHistory, scenario: Scenario, timeZone: string): Promise<{ invoiceIds: Map<string, string> }> {
  await ensureDefaultScenario(sql);
  if (scenario.id !== DEFAULT_SCENARIO.id || scenario.version !== DEFAULT_SCENARIO.version) {
    await sql`
      insert into scenarios (id, version, definition) values (${scenario.id}, ${scenario.version}, ${sql.json(scenario as never)})
      on conflict do nothing`;
  }

  const invoices = history.invoices.map((invoice) => ({ ...invoice, amountDueMinor: invoice.totalMinor, settledDate: undefined }));
  const report = await applyImport(
    sql,
    { format: history.files[0]?.format ?? 'csv', customers: history.customers, invoices, payments: [], report: { rows: invoices.length, accepted: invoices.length, rejected: [], warnings: [] } },
    'all_or_nothing',
  );
  if (!report.committed) {
    const reasons = report.rejected.slice(0, 5).map((row) => `line ${row.line}: ${row.reason}`).join('; ');
    throw new Error(`the history could not be stored in the replay database: ${reasons}`);
  }

  await sql`update customers set scenario_id = ${scenario.id}, time_zone = ${timeZone}`;
  const customers = await sql<{ id: string; external_ref: string }[]>`select id, external_ref from customers`;
  for (const customer of customers) {
    await sql`insert into contacts (customer_id, role, email) values (${customer.id}, 'accounts_payable', ${addressOf(customer.external_ref)})`;
  }

  const rows = await sql<{ id: string; number: string; external_ref: string }[]>`
    select i.id, i.number, c.external_ref from invoices i join customers c on c.id = i.customer_id where i.kind = 'invoice'`;
  return { invoiceIds: new Map(rows.map((row) => [`${row.external_ref}\u0000${row.number}`, row.id])) };
}
