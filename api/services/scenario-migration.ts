import type { Sql } from '../../db/client.js';
import { ApiError, notFound } from '../errors.js';
import type { TemporalHandle } from '../temporal.js';
import { updateCase } from './cases.js';
import { findScenario } from './scenarios.js';

export interface ScenarioMigrationReport {
  scenarioId: string;
  toVersion: number;
  dryRun: boolean;
  /** Running cases on an older version, with the version each was on. */
  cases: { invoiceId: string; workflowId: string; fromVersion: number; result: 'migrated' | 'would_migrate' | 'failed'; error?: string }[];
}

/**
 * Moves the running cases of a scenario to its latest version, on request only: a new
 * version never changes a running case by itself. With `dryRun`, lists the cases instead.
 */
export async function migrateRunningCases(
  sql: Sql,
  temporal: TemporalHandle,
  input: { scenarioId: string; author: string; dryRun: boolean },
): Promise<ScenarioMigrationReport> {
  const scenario = await findScenario(sql, input.scenarioId);
  if (!scenario) throw notFound('scenario', input.scenarioId);

  const running = await sql<{ invoice_id: string; workflow_id: string; scenario_version: number }[]>`
    select invoice_id, workflow_id, scenario_version from cases
    where scenario_id = ${scenario.id} and scenario_version < ${scenario.version} and terminal_state is null
    order by started_at`;
  const report: ScenarioMigrationReport = { scenarioId: scenario.id, toVersion: scenario.version, dryRun: input.dryRun, cases: [] };

  for (const row of running) {
    const entry = { invoiceId: row.invoice_id, workflowId: row.workflow_id, fromVersion: row.scenario_version };
    if (input.dryRun) {
      report.cases.push({ ...entry, result: 'would_migrate' });
      continue;
    }
    try {
      await updateCase(sql, temporal, row.invoice_id, 'migrateScenario', { scenario, author: input.author });
      report.cases.push({ ...entry, result: 'migrated' });
    } catch (error) {
      const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
      report.cases.push({ ...entry, result: 'failed', error: message });
    }
  }
  return report;
}
