import type { Logger } from 'pino';

import { OutboxMailer } from '../activities/mailer.js';
import type { TemporalHandle } from '../api/temporal.js';
import { loadEnv } from '../config/env.js';
import { loadLatePaymentRateTable } from '../config/rates/late-payment-rates.js';
import type { Sql } from '../db/client.js';
import { connect } from '../db/client.js';
import { addDays, daysBetween, type CalendarDate } from '../domain/dates.js';
import { DEFAULT_SCENARIO } from '../domain/default-scenario.js';
import { bundleWorkflows, createWorker, installRuntimeLogger } from '../worker/worker.js';
import { advanceTo, startReplayServer, waitForIdle } from './clock.js';
import { createReplayDatabase, replayDatabaseName, type ReplayDatabase } from './database.js';
import { applyEvent, type EventOutcome } from './events.js';
import { loadHistory, type HistoryFile } from './history.js';
import { checkRateCoverage, readReplayScenario, seedLedger, withoutPenalties } from './seed.js';
import { buildTimeline, type CaseStartDate, type ReplayEvent } from './timeline.js';

// Replays a receivables history through the product: a fresh database, the time-skipping
// test server as the clock, an in-process worker with the production activities, and the
// events of the history applied through the API's and portal's services at their instants.

/** Task queue of the replay's worker, on a test server of its own. */
const REPLAY_TASK_QUEUE = 'relance-replay';

export interface ReplayOptions {
  files: string[];
  /** The application's database: the replay creates its own database on the same server and reads the scenario from this one. */
  applicationDatabaseUrl: string;
  scenarioId?: string;
  /** Replays a copy of the scenario whose steps claim no late penalties. */
  withoutPenalties?: boolean;
  /** Replays only the first N invoices by due date. */
  limit?: number;
  keepDatabase?: boolean;
  caseStart?: CaseStartDate;
  paymentTermsDays?: number;
  /** Time zone of every replayed customer; the histories carry none. */
  timeZone?: string;
  logger: Logger;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  simulatedDate: CalendarDate;
  eventsApplied: number;
  eventsTotal: number;
}

export interface ReplayRun {
  database: { name: string; url: string; kept: boolean };
  files: HistoryFile[];
  scenarioId: string;
  customers: number;
  invoices: number;
  /** First and last day of the history, both included. */
  period: { from: CalendarDate; to: CalendarDate };
  simulatedDays: number;
  events: Record<ReplayEvent['kind'], number>;
  outcomes: Record<EventOutcome, number>;
  /** Disputed invoices whose dispute could not be placed between due date and settlement. */
  disputesNotReplayed: string[];
  wallTimeMs: number;
}

/** Work done on the replay database once the clock has stopped and before it is dropped. */
export type ReplayFinish<T> = (sql: Sql, run: ReplayRun) => Promise<T>;

function countBy<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const value of values) counts[value] += 1;
  return counts;
}

/** Groups events by instant, keeping their order. */
function byInstant(events: ReplayEvent[]): ReplayEvent[][] {
  const groups: ReplayEvent[][] = [];
  for (const event of events) {
    const last = groups.at(-1);
    if (last && last[0]!.at === event.at) last.push(event);
    else groups.push([event]);
  }
  return groups;
}

/**
 * Dates the case rows by their workflow's case_started event: the API's service stamps
 * them with the database clock, which the replay's simulated clock does not move.
 */
async function dateCaseStarts(sql: Sql): Promise<void> {
  await sql`
    update cases c set started_at = e.occurred_at
    from case_events e where e.workflow_id = c.workflow_id and e.type = 'case_started'`;
}

/**
 * Replays the files and calls `finish` with the replay database once the clock has
 * reached the end of the history. The database is dropped afterwards unless kept.
 */
export async function runReplay<T>(options: ReplayOptions, finish: ReplayFinish<T>): Promise<{ run: ReplayRun; result: T }> {
  const started = Date.now();
  const { logger } = options;
  const timeZone = options.timeZone ?? 'Europe/Paris';
  const scenarioId = options.scenarioId ?? DEFAULT_SCENARIO.id;

  const history = await loadHistory(options.files, { limit: options.limit, paymentTermsDays: options.paymentTermsDays });
  const timeline = buildTimeline(history, { timeZone, caseStart: options.caseStart ?? 'issue_date' });
  const applicationSql = connect(options.applicationDatabaseUrl, { max: 1 });
  const stored = await readReplayScenario(applicationSql, scenarioId).finally(() => applicationSql.end({ timeout: 5 }));
  const scenario = options.withoutPenalties ? withoutPenalties(stored) : stored;
  checkRateCoverage(scenario, history.invoices.map((invoice) => invoice.dueDate ?? invoice.issueDate), timeline.endDate, loadLatePaymentRateTable());

  const database = await createReplayDatabase(options.applicationDatabaseUrl, replayDatabaseName(new Date()));
  logger.info({ database: database.name, events: timeline.events.length, from: timeline.startDate, to: timeline.endDate }, 'replay database created');
  const keep = options.keepDatabase ?? false;
  try {
    const { invoiceIds } = await seedLedger(database.sql, history, scenario, timeZone);
    const outcomes = await playTimeline(database, timeline.events, timeline.startAt, timeline.endAt, invoiceIds, options);

    await dateCaseStarts(database.sql);
    const run: ReplayRun = {
      database: { name: database.name, url: database.url, kept: keep },
      files: history.files,
      scenarioId: scenario.id,
      customers: history.customers.length,
      invoices: history.invoices.length,
      period: { from: timeline.startDate, to: addDays(timeline.endDate, -1) },
      simulatedDays: daysBetween(timeline.startDate, timeline.endDate),
      events: countBy(['case_start', 'credit_note', 'payment', 'dispute'], timeline.events.map((event) => event.kind)),
      outcomes: countBy(['case_started', 'payment_recorded', 'credit_note_recorded', 'dispute_opened', 'dispute_on_ended_case', 'dispute_rejected'], outcomes),
      disputesNotReplayed: timeline.disputesNotReplayed,
      wallTimeMs: Date.now() - started,
    };
    return { run, result: await finish(database.sql, run) };
  } finally {
    await (keep ? database.close() : database.drop());
  }
}

/** Runs the clock from `startAt` to `endAt` with a worker polling, applying each group of events at its instant. */
async function playTimeline(
  database: ReplayDatabase,
  events: ReplayEvent[],
  startAt: string,
  endAt: string,
  invoiceIds: Map<string, string>,
  options: ReplayOptions,
): Promise<EventOutcome[]> {
  const { logger } = options;
  installRuntimeLogger(logger);
  const env = await startReplayServer(startAt);
  try {
    const temporal: TemporalHandle = { client: env.client, connection: env.connection, taskQueue: REPLAY_TASK_QUEUE, close: async () => {} };
    const appEnv = loadEnv({ ...process.env, DATABASE_URL: database.url, TEMPORAL_TASK_QUEUE: REPLAY_TASK_QUEUE, RESEND_API_KEY: '' });
    const { worker } = await createWorker({
      env: appEnv,
      sql: database.sql,
      logger,
      mailer: new OutboxMailer(),
      connection: env.nativeConnection,
      client: env.client,
      taskQueue: REPLAY_TASK_QUEUE,
      workflowBundle: await bundleWorkflows(),
    });

    const deps = { sql: database.sql, temporal, logger, invoiceIds };
    const outcomes: EventOutcome[] = [];
    await worker.runUntil(async () => {
      for (const group of byInstant(events)) {
        await advanceTo(env, group[0]!.at);
        await waitForIdle(worker);
        for (const event of group) {
          const outcome = await applyEvent(deps, event);
          outcomes.push(outcome);
          logger.debug({ kind: event.kind, at: event.at, outcome }, 'replay event applied');
        }
        options.onProgress?.({ simulatedDate: group[0]!.at.slice(0, 10), eventsApplied: outcomes.length, eventsTotal: events.length });
      }
      await advanceTo(env, endAt);
      await waitForIdle(worker);
    });
    return outcomes;
  } finally {
    await env.teardown();
  }
}
