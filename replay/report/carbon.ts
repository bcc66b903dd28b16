import { summarizeCarbon } from '../../api/services/carbon.js';
import type { Sql } from '../../db/client.js';
import { minorUnitDigits } from '../../domain/money.js';
import type { ReplayPeriod, ReplayReport } from './schema.js';
import { scopedInvoiceIds } from './scope.js';

// The footprint of the replayed cases, read from the carbon ledger through the carbon
// service, so the factors and the letter-only baseline are the ones the API reports.

interface SummaryLine {
  id: number;
  channel: string;
  gramsCo2e: number;
  baselineGramsCo2e: number;
}

function roundGrams(grams: number): number {
  return Math.round(grams * 1000) / 1000;
}

/**
 * Sums the carbon lines of the scope per channel, with the baseline, and both per thousand
 * euros of cash collected. A line is in scope when its case is, or when its message carried
 * an invoice of the scope: a grouped e-mail's line names no case.
 * NOTE: summarizeCarbon reads the whole ledger and the lines are filtered here, which is
 * fine for a replay database but slow on a ledger of millions of lines.
 */
export async function carbonOfScope(sql: Sql, period: ReplayPeriod, eurCollectedMinor: number): Promise<ReplayReport['carbon']> {
  const scoped = await sql<{ id: number }[]>`
    select l.id from carbon_ledger l
    where l.workflow_id in (select workflow_id from cases where invoice_id in (${scopedInvoiceIds(sql, period)}))
      or l.message_id in (select message_id from message_invoices where invoice_id in (${scopedInvoiceIds(sql, period)}))`;
  const ids = new Set(scoped.map((row) => row.id));

  const summary = await summarizeCarbon(sql, { groupBy: 'channel', includeLines: true });
  const channels = new Map<string, { channel: string; lines: number; grams: number; baselineGrams: number }>();
  let total = 0;
  let baseline = 0;
  for (const group of summary.groups) {
    for (const line of (group.lines ?? []) as SummaryLine[]) {
      if (!ids.has(line.id)) continue;
      const entry = channels.get(line.channel) ?? { channel: line.channel, lines: 0, grams: 0, baselineGrams: 0 };
      entry.lines += 1;
      entry.grams += line.gramsCo2e;
      entry.baselineGrams += line.baselineGramsCo2e;
      channels.set(line.channel, entry);
      total += line.gramsCo2e;
      baseline += line.baselineGramsCo2e;
    }
  }

  const thousandEurMinor = 1000 * 10 ** minorUnitDigits('EUR');
  const thousands = eurCollectedMinor / thousandEurMinor;
  return {
    estimate: true,
    unit: 'gCO2e',
    totalGrams: roundGrams(total),
    baselineGrams: roundGrams(baseline),
    savingGrams: roundGrams(baseline - total),
    perChannel: [...channels.values()]
      .sort((a, b) => a.channel.localeCompare(b.channel))
      .map((entry) => ({ ...entry, grams: roundGrams(entry.grams), baselineGrams: roundGrams(entry.baselineGrams) })),
    gramsPerThousandEur: thousands > 0 ? roundGrams(total / thousands) : null,
    baselineGramsPerThousandEur: thousands > 0 ? roundGrams(baseline / thousands) : null,
    baselineMethod: summary.baseline.method,
  };
}
