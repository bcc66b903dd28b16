import type { Sql } from '../../db/client.js';

// The carbon ledger read back: totals per case, customer, scenario or channel, each line
// with the factor it used, and the saving against a letter-only baseline. Every figure is
// an estimate built from published factors (carbon_factors keeps their sources).

export type CarbonGroupBy = 'case' | 'customer' | 'scenario' | 'channel';

export interface CarbonFactor {
  id: string;
  version: number;
  channel: string;
  value: number;
  unit: string;
  source: string;
  year: number;
  scope: string;
}

interface FactorRow {
  id: string;
  version: number;
  channel: string;
  value_g: number;
  unit: string;
  source: string;
  year: number;
  scope: string;
}

interface LineRow {
  id: number;
  workflow_id: string | null;
  customer_id: string;
  customer_name: string;
  scenario_id: string | null;
  channel: string;
  quantity: number;
  unit: string;
  grams_co2e: number;
  recorded_at: Date;
  sheets: number | null;
  factor_id: string;
  factor_version: number;
}

/** Channels the baseline replaces by a posted letter; letters, registered letters and visits count the same on both sides. */
const REPLACED_CHANNELS = new Set(['email', 'phone']);

export const BASELINE_METHOD =
  'Letter-only baseline: every e-mail and every call is replaced by one posted letter (lettre verte) carrying as many sheets ' +
  'as the reminder letters in the print queue, on average rounded up, or 1 sheet when none was printed; its footprint is the ' +
  'letter-postage factor plus that many times the letter-sheet factor. Letters, registered letters and visits count the same ' +
  'in the baseline as in the ledger. Saving = baseline - ledger.';

function toFactor(row: FactorRow): CarbonFactor {
  return { id: row.id, version: row.version, channel: row.channel, value: row.value_g, unit: row.unit, source: row.source, year: row.year, scope: row.scope };
}

/** Lists every factor version; `current` marks the one new ledger lines use. */
export async function listCarbonFactors(sql: Sql): Promise<(CarbonFactor & { current: boolean })[]> {
  const rows = await sql<(FactorRow & { current: boolean })[]>`
    select id, version, channel, value_g::float8 as value_g, unit, source, year, scope,
      version = max(version) over (partition by id) as current
    from carbon_factors order by channel, id, version`;
  return rows.map((row) => ({ ...toFactor(row), current: row.current }));
}

function roundGrams(grams: number): number {
  return Math.round(grams * 1000) / 1000;
}

/** Reads the carbon ledger between two instants and sums it per group, with the letter-only baseline. */
export async function summarizeCarbon(sql: Sql, query: { groupBy: CarbonGroupBy; from?: string; to?: string; customerId?: string; includeLines: boolean }) {
  const factors = await listCarbonFactors(sql);
  const current = (id: string): CarbonFactor => {
    const found = factors.find((factor) => factor.id === id && factor.current);
    if (!found) throw new Error(`carbon factor "${id}" is missing: run the database migrations`);
    return found;
  };

  const [sheetRow] = await sql<{ sheets: number | null }[]>`
    select ceil(avg(pages))::int as sheets from letters where kind = 'reminder_letter'`;
  const baselineSheets = sheetRow?.sheets ?? 1;
  const postage = current('letter-postage');
  const sheet = current('letter-sheet');
  const baselineLetterGrams = roundGrams(postage.value + baselineSheets * sheet.value);

  const lines = await sql<LineRow[]>`
    select l.id, l.workflow_id, l.customer_id, cu.name as customer_name, cs.scenario_id, l.channel, l.quantity::float8 as quantity,
      l.unit, l.grams_co2e::float8 as grams_co2e, l.recorded_at, lt.pages as sheets, l.factor_id, l.factor_version
    from carbon_ledger l
      join customers cu on cu.id = l.customer_id
      left join cases cs on cs.workflow_id = l.workflow_id
      left join letters lt on lt.idempotency_key = l.idempotency_key
    where true
      ${query.from ? sql`and l.recorded_at >= ${query.from}` : sql``}
      ${query.to ? sql`and l.recorded_at < ${query.to}` : sql``}
      ${query.customerId ? sql`and l.customer_id = ${query.customerId}` : sql``}
    order by l.recorded_at, l.id`;

  const groups = new Map<string, { key: string; label: string; gramsCo2e: number; baselineGramsCo2e: number; lines: unknown[]; count: number }>();
  let total = 0;
  let baselineTotal = 0;

  for (const line of lines) {
    const baseline = REPLACED_CHANNELS.has(line.channel) ? baselineLetterGrams : line.grams_co2e;
    const { key, label } = groupOf(line, query.groupBy);
    const group = groups.get(key) ?? { key, label, gramsCo2e: 0, baselineGramsCo2e: 0, lines: [], count: 0 };
    group.gramsCo2e += line.grams_co2e;
    group.baselineGramsCo2e += baseline;
    group.count += 1;
    if (query.includeLines) {
      const factor = factors.find((candidate) => candidate.id === line.factor_id && candidate.version === line.factor_version);
      group.lines.push({
        id: line.id,
        channel: line.channel,
        workflowId: line.workflow_id,
        customerId: line.customer_id,
        quantity: line.quantity,
        unit: line.unit,
        ...(line.sheets !== null ? { sheets: line.sheets } : {}),
        gramsCo2e: line.grams_co2e,
        baselineGramsCo2e: baseline,
        recordedAt: line.recorded_at.toISOString(),
        factor: factor ? { value: factor.value, unit: factor.unit, source: factor.source, year: factor.year, scope: factor.scope, id: factor.id, version: factor.version } : null,
      });
    }
    groups.set(key, group);
    total += line.grams_co2e;
    baselineTotal += baseline;
  }

  return {
    groupBy: query.groupBy,
    unit: 'gCO2e',
    estimate: true,
    totals: { lines: lines.length, gramsCo2e: roundGrams(total), baselineGramsCo2e: roundGrams(baselineTotal), savingGramsCo2e: roundGrams(baselineTotal - total) },
    baseline: { method: BASELINE_METHOD, sheets: baselineSheets, letterGramsCo2e: baselineLetterGrams, factors: [postage, sheet] },
    groups: [...groups.values()].map((group) => ({
      key: group.key,
      label: group.label,
      lines: query.includeLines ? group.lines : undefined,
      lineCount: group.count,
      gramsCo2e: roundGrams(group.gramsCo2e),
      baselineGramsCo2e: roundGrams(group.baselineGramsCo2e),
      savingGramsCo2e: roundGrams(group.baselineGramsCo2e - group.gramsCo2e),
    })),
  };
}

function groupOf(line: LineRow, groupBy: CarbonGroupBy): { key: string; label: string } {
  switch (groupBy) {
    case 'case':
      return { key: line.workflow_id ?? 'none', label: line.workflow_id ?? 'no case' };
    case 'customer':
      return { key: line.customer_id, label: line.customer_name };
    case 'scenario':
      return { key: line.scenario_id ?? 'none', label: line.scenario_id ?? 'no scenario' };
    case 'channel':
      return { key: line.channel, label: line.channel };
  }
}
