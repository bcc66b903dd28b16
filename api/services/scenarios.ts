import type { Sql } from '../../db/client.js';
import { DEFAULT_SCENARIO } from '../../domain/default-scenario.js';
import { scenarioSchema, type Scenario } from '../../domain/scenario.js';

/** Stores the built-in default scenario if no default exists yet. */
export async function ensureDefaultScenario(sql: Sql): Promise<void> {
  await sql`
    insert into scenarios (id, version, definition, is_default)
    select ${DEFAULT_SCENARIO.id}, ${DEFAULT_SCENARIO.version}, ${sql.json(DEFAULT_SCENARIO as never)}, true
    where not exists (select 1 from scenarios where is_default)
    on conflict do nothing`;
}

/** Returns the latest version of a scenario, or of the company default when `id` is null. */
export async function findScenario(sql: Sql, id: string | null): Promise<Scenario | null> {
  const [row] = id
    ? await sql<{ definition: unknown }[]>`select definition from scenarios where id = ${id} order by version desc limit 1`
    : await sql<{ definition: unknown }[]>`select definition from scenarios where is_default order by version desc limit 1`;
  return row ? scenarioSchema.parse(row.definition) : null;
}

/** Picks the scenario of an invoice: its own override, then its customer's, then the company default. */
export async function resolveScenario(sql: Sql, invoiceScenarioId: string | null, customerScenarioId: string | null): Promise<Scenario> {
  for (const id of [invoiceScenarioId, customerScenarioId]) {
    if (id === null) continue;
    const scenario = await findScenario(sql, id);
    if (scenario) return scenario;
  }
  const fallback = await findScenario(sql, null);
  return fallback ?? DEFAULT_SCENARIO;
}

/** Stores a new version of a scenario; the version number is the next free one. */
export async function saveScenario(sql: Sql, input: unknown): Promise<Scenario> {
  const parsed = scenarioSchema.parse(input);
  const [row] = await sql<{ version: number }[]>`
    select coalesce(max(version), 0) + 1 as version from scenarios where id = ${parsed.id}`;
  const scenario = { ...parsed, version: row?.version ?? 1 };
  await sql`insert into scenarios (id, version, definition) values (${scenario.id}, ${scenario.version}, ${sql.json(scenario as never)})`;
  return scenario;
}
