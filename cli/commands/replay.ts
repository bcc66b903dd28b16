import os from 'node:os';
import { writeFile } from 'node:fs/promises';

import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';

import { loadEnv } from '../../config/env.js';
import { connect } from '../../db/client.js';
import { DEFAULT_SCENARIO } from '../../domain/default-scenario.js';
import { computeReplayReport, renderReplayMarkdown, saveReplayReport, type ReplayReport } from '../../replay/report/index.js';
import { replayMessagesOf } from '../../replay/report/sections.js';
import type { ReplayRun } from '../../replay/run.js';
import { connectDatabase, explainDatabaseError } from '../database.js';
import { ProgressBar } from '../progress.js';

export interface ReplayCommandOptions {
  scenario: string;
  /** Commander's value of --no-penalties: false when the option is given. */
  penalties?: boolean;
  limit?: number;
  keepDatabase?: boolean;
  report?: string;
  caseStart: 'issue-date' | 'due-date';
  terms?: number;
  language?: 'fr' | 'en';
  logLevel: string;
  /** The application's database; DATABASE_URL or the embedded PostgreSQL by default. */
  databaseUrl?: string;
}

export interface ReplayCommandResult {
  run: ReplayRun;
  report: ReplayReport;
  reportId: string;
  reportUrl: string;
  summary: string;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`expected a whole number of 1 or more (got "${value}")`);
  return number;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0 || days > 365) throw new InvalidArgumentError(`expected days from 0 to 365 (got "${value}")`);
  return days;
}

function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1_073_741_824).toFixed(1)} GiB, Node ${process.version}`;
}

/** Formats the figures printed at the end of a replay. */
export function formatSummary(run: ReplayRun, report: ReplayReport, totalWallMs: number): string {
  const labels = replayMessagesOf('en').cases.outcomes;
  const outcomes = Object.entries(report.cases.byOutcome)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${(labels[outcome] ?? outcome).toLowerCase()} ${count}`);
  const minutes = totalWallMs / 60_000;
  const lines = [
    `Replayed ${run.invoices} invoices of ${run.customers} customers from ${run.period.from} to ${run.period.to} (${run.simulatedDays} days), scenario ${run.scenarioId}`,
    `cases          ${report.cases.total}: ${outcomes.join(', ') || 'none'}`,
    `e-mails        ${report.channels.email} sent, ${report.emailsNotDeliverable} not deliverable`,
    `other steps    phone ${report.channels.phone}, letter ${report.channels.letter}, registered letter ${report.channels.registered_letter}, visit ${report.channels.visit}`,
    `reminders after payment   ${report.remindersAfterPayment.count}`,
    `reminders after dispute   ${report.remindersDuringDispute.count}`,
    `disputes       ${run.outcomes.dispute_opened} opened, ${run.outcomes.dispute_on_ended_case} on cases already ended, ${run.disputesNotReplayed.length} not replayed (settled within a day of the due date)`,
    `footprint      ${Math.round(report.carbon.totalGrams)} gCO2e (estimate)`,
    `wall time      ${(totalWallMs / 1000).toFixed(1)} s, ${minutes > 0 ? (run.simulatedDays / minutes).toFixed(0) : '-'} simulated days per minute`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs `relance replay`: replays the files, saves the report in the application's database and returns it with the printed summary. */
export async function runReplayCommand(files: string[], options: ReplayCommandOptions): Promise<ReplayCommandResult> {
  const started = Date.now();
  const env = loadEnv();
  const application = options.databaseUrl === undefined ? connectDatabase() : { sql: connect(options.databaseUrl, { max: 2 }), url: options.databaseUrl };
  const logger = pino({ name: 'replay', level: options.logLevel });
  const progress = new ProgressBar();
  const language = options.language ?? env.COMPANY_LANGUAGE;
  // Loaded here, not at the top: the worker's native module would slow every other command's start.
  const { runReplay } = await import('../../replay/run.js');

  try {
    const { run, result } = await runReplay(
      {
        files,
        applicationDatabaseUrl: application.url,
        scenarioId: options.scenario,
        withoutPenalties: options.penalties === false,
        limit: options.limit,
        keepDatabase: options.keepDatabase,
        caseStart: options.caseStart === 'due-date' ? 'due_date' : 'issue_date',
        paymentTermsDays: options.terms,
        logger,
        onProgress: ({ simulatedDate, eventsApplied, eventsTotal }) =>
          progress.update(eventsTotal === 0 ? 1 : eventsApplied / eventsTotal, `${simulatedDate}  ${eventsApplied}/${eventsTotal} events`),
      },
      async (sql, finishedRun) => {
        progress.done(`clock stopped at ${finishedRun.period.to}; computing the report`);
        return computeReplayReport(sql, finishedRun.period, {
          sources: files,
          scenarioId: finishedRun.scenarioId,
          wallTimeMs: finishedRun.wallTimeMs,
          machine: machineLine(),
        });
      },
    );

    const markdown = renderReplayMarkdown(result, language);
    if (options.report) await writeFile(options.report, markdown);
    const { id } = await saveReplayReport(application.sql, result, markdown);
    const reportUrl = `http://${env.HOST}:${env.PORT}/backoffice/replays/${id}`;

    const rejected = run.files.reduce((sum, file) => sum + file.rejected.length, 0);
    const notes = [
      ...(rejected > 0 ? [`${rejected} rows rejected by the importers were left out`] : []),
      ...(run.database.kept ? [`replay database kept: ${run.database.name}`] : []),
      ...(options.report ? [`report written to ${options.report}`] : []),
      `report saved: ${reportUrl}`,
    ];
    const summary = `${formatSummary(run, result, Date.now() - started)}${notes.join('\n')}\n`;
    return { run, report: result, reportId: id, reportUrl, summary };
  } catch (error) {
    throw new Error(explainDatabaseError(error, application.url), { cause: error });
  } finally {
    await application.sql.end({ timeout: 5 });
  }
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('Replay receivables histories through the dunning engine on a simulated clock, in a database of their own, and save the report')
    .argument('<files...>', 'CSV files in the accounts-receivable history layout (amounts in EUR) or FEC files')
    .option('--scenario <id>', 'scenario of every case, read from the application database', DEFAULT_SCENARIO.id)
    .option('--no-penalties', 'replay a copy of the scenario whose steps claim no late penalties, for histories older than the rate table')
    .option('--limit <count>', 'replay only the first N invoices by due date', parsePositive)
    .option('--keep-database', 'keep the replay database instead of dropping it at the end')
    .option('--report <file>', 'write the report as markdown to this file')
    .addOption(new Option('--case-start <date>', 'day each case starts on').choices(['issue-date', 'due-date']).default('issue-date'))
    .option('--terms <days>', 'payment terms in days for invoices without a due date (FEC); 30 by default', parseDays)
    .addOption(new Option('--language <language>', 'language of the markdown report; COMPANY_LANGUAGE by default').choices(['fr', 'en']))
    .addOption(new Option('--log-level <level>', 'level of the structured logs, written as JSON lines to stdout').choices(['silent', 'error', 'warn', 'info', 'debug']).default('silent'))
    .action(async (files: string[], options: ReplayCommandOptions) => {
      const { summary } = await runReplayCommand(files, options);
      process.stdout.write(summary);
    });
}
