import type { Sql } from '../../db/client.js';
import { replayReportSchema, type ReplayReport } from './schema.js';

// Saved replay reports (table replay_reports): the figures as JSON and their markdown.

export interface ReplayReportSummary {
  id: string;
  createdAt: Date;
  sources: string[];
  period: { from: string; to: string };
  scenarioId: string;
  remindersAfterPayment: number;
  remindersDuringDispute: number;
}

export interface StoredReplayReport {
  id: string;
  createdAt: Date;
  report: ReplayReport;
  markdown: string;
}

/** Stores a report with the markdown rendered from it; the report is validated first. */
export async function saveReplayReport(sql: Sql, report: ReplayReport, markdown: string): Promise<{ id: string }> {
  const checked = replayReportSchema.parse(report);
  const [row] = await sql<{ id: string }[]>`
    insert into replay_reports (sources, period_from, period_to, report, markdown)
    values (${checked.meta.sources}, ${checked.period.from}, ${checked.period.to}, ${sql.json(checked as never)}, ${markdown})
    returning id`;
  if (!row) throw new Error(`the replay report of ${checked.period.from} to ${checked.period.to} could not be stored`);
  return { id: row.id };
}

/** Lists saved reports, newest first, with the figures a list shows. */
export async function listReplayReports(sql: Sql, options: { limit?: number } = {}): Promise<ReplayReportSummary[]> {
  const rows = await sql<{ id: string; created_at: Date; sources: string[]; period_from: string; period_to: string; scenario_id: string; after_payment: number; during_dispute: number }[]>`
    select id, created_at, sources, to_char(period_from, 'YYYY-MM-DD') as period_from, to_char(period_to, 'YYYY-MM-DD') as period_to,
      report->'meta'->>'scenarioId' as scenario_id,
      (report->'remindersAfterPayment'->>'count')::int as after_payment,
      (report->'remindersDuringDispute'->>'count')::int as during_dispute
    from replay_reports order by created_at desc, id desc limit ${options.limit ?? 100}`;
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    sources: row.sources,
    period: { from: row.period_from, to: row.period_to },
    scenarioId: row.scenario_id,
    remindersAfterPayment: row.after_payment,
    remindersDuringDispute: row.during_dispute,
  }));
}

/** Returns a saved report, or null when no report has this id. */
export async function getReplayReport(sql: Sql, id: string): Promise<StoredReplayReport | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await sql<{ id: string; created_at: Date; report: unknown; markdown: string }[]>`
    select id, created_at, report, markdown from replay_reports where id = ${id}`;
  if (!row) return null;
  return { id: row.id, createdAt: row.created_at, report: replayReportSchema.parse(row.report), markdown: row.markdown };
}
