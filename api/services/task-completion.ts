import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { recordCarbonLine } from '../../activities/carbon.js';
import type { Sql } from '../../db/client.js';
import { disputeReasonSchema, type TaskCompletedInput } from '../../domain/case.js';
import { calendarDateSchema, instantSchema } from '../../domain/dates.js';
import { ApiError } from '../errors.js';
import type { TemporalHandle } from '../temporal.js';
import { updateCase } from './cases.js';
import { findTask, toTaskSummary, type TaskRow } from './tasks.js';

// Completing a call or visit: the outcome code is stored on the task, the carbon ledger
// gets the minutes or kilometres, the case history gets an event, and the running case
// hears about it. Outcome codes, not free text, because the person called may read the
// notes through the GDPR right of access.

const measureShape = {
  /** Length of the call in minutes, for the carbon ledger. */
  durationMinutes: z.number().min(0).max(600).optional(),
  /** Distance driven for a visit in km, return trip included, for the carbon ledger. */
  distanceKm: z.number().min(0).max(2000).optional(),
  author: z.string().trim().min(1).max(200).default('operator'),
};

export const taskCompletionSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('reached_promised'), promisedDate: calendarDateSchema, amountMinor: z.number().int().positive(), ...measureShape }),
  z.object({ outcome: z.literal('reached_disputed'), reason: disputeReasonSchema, comment: z.string().trim().max(2000).optional(), ...measureShape }),
  z.object({ outcome: z.literal('no_answer'), ...measureShape }),
  z.object({ outcome: z.literal('wrong_number'), ...measureShape }),
  z.object({ outcome: z.literal('call_back'), callBackAt: instantSchema, ...measureShape }),
]);
export type TaskCompletion = z.infer<typeof taskCompletionSchema>;

/** The stored result of a completion; a second completion returns it unchanged. */
export interface CompletionResult {
  task: ReturnType<typeof toTaskSummary>;
  completion: TaskCompletion;
  carbon: { channel: string; gramsCo2e: number } | null;
  followUpTaskId: string | null;
  caseStatus: string | null;
}

/** Postgres transactions lack only begin and end, which the ledger writers never call. */
type Writer = Sql;

/** A completion still unfinished after this long was cut short (process stopped), so the task may be completed again. */
const ABANDONED_AFTER_SECONDS = 120;
/** How long a concurrent completion waits for the first one's result before it fails with 409. */
const WAIT_MS = 10_000;
const POLL_MS = 100;

/**
 * Completes a task once. The first request claims the task with one short statement, so
 * no request keeps a database connection while the update goes to the case: ten waiting
 * completions could otherwise take every connection of the pool and stall the first. A
 * concurrent second completion waits for the first result and returns it. When the case
 * rejects the update (a promise beyond its horizon), the claim is released and nothing
 * is written.
 */
export async function completeTask(sql: Sql, temporal: TemporalHandle, taskId: string, completion: TaskCompletion): Promise<CompletionResult> {
  const task = await findTask(sql, taskId);
  checkMeasure(task, completion);

  const deadline = Date.now() + WAIT_MS;
  while (!(await claimTask(sql, taskId))) {
    const [current] = await sql<{ status: string; outcome: CompletionResult | null }[]>`select status, outcome from tasks where id = ${taskId}`;
    if (current?.status === 'done' && current.outcome) return current.outcome;
    if (current?.status !== 'open' && current?.status !== 'done') throw new ApiError('conflict', `task ${taskId} is ${current?.status ?? 'missing'}: only an open task can be completed`);
    if (Date.now() > deadline) throw new ApiError('conflict', `task ${taskId} is being completed by another request: retry in a few seconds to receive its result`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  try {
    const caseStatus = task.workflow_id && task.invoice_id ? await tellCase(sql, temporal, task, completion) : null;
    return await writeCompletion(sql, task, completion, caseStatus);
  } catch (error) {
    await sql`update tasks set status = 'open', completed_at = null where id = ${taskId} and outcome is null`;
    throw error;
  }
}

/** Marks an open task, or one whose completion was abandoned, as being completed. Returns false when another request claimed it first. */
async function claimTask(sql: Sql, taskId: string): Promise<boolean> {
  const claimed = await sql`
    update tasks set status = 'done', completed_at = now()
    where id = ${taskId}
      and (status = 'open' or (status = 'done' and outcome is null and completed_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})))
    returning id`;
  return claimed.length > 0;
}

/** Writes the carbon line, the call-back task, the case event and the stored result in one transaction. */
async function writeCompletion(sql: Sql, task: TaskRow, completion: TaskCompletion, caseStatus: string | null): Promise<CompletionResult> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Writer;
    const carbon = await recordMeasure(tx, task, completion);
    const followUpTaskId = completion.outcome === 'call_back' ? await openCallBack(tx, task, completion.callBackAt) : null;
    const completedAt = new Date().toISOString();

    if (task.workflow_id && task.invoice_id) {
      await transaction`
        insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
        values (${task.workflow_id}, ${task.invoice_id}, ${`${task.kind}_completed`}, 'operator', ${completedAt},
                ${transaction.json({ taskId: task.id, ...completion, gramsCo2e: carbon?.gramsCo2e ?? null } as never)}, ${`task/${task.id}/completed`})
        on conflict (idempotency_key) do nothing`;
    }

    const result: CompletionResult = {
      task: { ...toTaskSummary(task), status: 'done', completedAt },
      completion,
      carbon,
      followUpTaskId,
      caseStatus,
    };
    await transaction`
      update tasks set status = 'done', completed_at = ${completedAt}, outcome = ${transaction.json(result as never)} where id = ${task.id}`;
    return result;
  });
}

function checkMeasure(task: TaskRow, completion: TaskCompletion): void {
  if (task.kind === 'call' && completion.durationMinutes === undefined) {
    throw new ApiError('validation_failed', `task ${task.id} is a call: give its length in durationMinutes (0 when nobody answered)`, {
      errors: [{ path: 'body.durationMinutes', message: 'required for a call' }],
    });
  }
  if (task.kind === 'visit' && completion.distanceKm === undefined) {
    throw new ApiError('validation_failed', `task ${task.id} is a visit: give the distance driven in distanceKm, return trip included`, {
      errors: [{ path: 'body.distanceKm', message: 'required for a visit' }],
    });
  }
}

/**
 * Sends the promise or the dispute as an update, then the taskCompleted signal. A case
 * that has ended raises a 409 error with its terminal state. Returns the case status afterwards.
 */
async function tellCase(sql: Sql, temporal: TemporalHandle, task: TaskRow, completion: TaskCompletion): Promise<string | null> {
  const invoiceId = task.invoice_id as string;
  const workflowId = task.workflow_id as string;
  const ended = (terminalState: string | null) =>
    new ApiError('case_ended', `the case of invoice ${invoiceId} has ended as ${terminalState ?? 'finished'}: record the outcome on the invoice instead`, { terminalState });

  const [caseRow] = await sql<{ terminal_state: string | null }[]>`select terminal_state from cases where workflow_id = ${workflowId}`;
  if (caseRow?.terminal_state) throw ended(caseRow.terminal_state);

  let status: string | null = null;
  if (completion.outcome === 'reached_promised') {
    const state = await updateCase(sql, temporal, invoiceId, 'promiseToPay', {
      promisedDate: completion.promisedDate,
      amountMinor: completion.amountMinor,
      source: 'operator',
      author: completion.author,
    }, `task-${task.id}-promise`);
    status = state.status;
  }
  if (completion.outcome === 'reached_disputed') {
    const state = await updateCase(sql, temporal, invoiceId, 'openDispute', {
      reason: completion.reason,
      comment: completion.comment,
      source: 'operator',
      author: completion.author,
    }, `task-${task.id}-dispute`);
    status = state.status;
  }

  const signal: TaskCompletedInput = {
    taskId: task.id,
    kind: task.kind,
    outcome: completion.outcome,
    ...(completion.outcome === 'call_back' ? { callBackAt: completion.callBackAt } : {}),
    ...(completion.outcome === 'reached_promised' ? { promisedDate: completion.promisedDate, amountMinor: completion.amountMinor } : {}),
  };
  try {
    await temporal.client.workflow.getHandle(workflowId).signal('taskCompleted', signal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const [fresh] = await sql<{ terminal_state: string | null }[]>`select terminal_state from cases where workflow_id = ${workflowId}`;
    throw ended(fresh?.terminal_state ?? null);
  }
  return status;
}

/** Writes the carbon line of a call's minutes or a visit's kilometres; other tasks have none. */
async function recordMeasure(sql: Writer, task: TaskRow, completion: TaskCompletion): Promise<CompletionResult['carbon']> {
  const channels: Record<string, 'phone' | 'visit'> = { call: 'phone', visit: 'visit' };
  const channel = channels[task.kind];
  if (!channel) return null;

  const { gramsCo2e } = await recordCarbonLine(sql, {
    idempotencyKey: `task/${task.id}/carbon`,
    workflowId: task.workflow_id,
    customerId: task.customer_id,
    messageId: null,
    channel,
    measure: channel === 'phone' ? { minutes: completion.durationMinutes } : { km: completion.distanceKm },
  });
  return { channel, gramsCo2e };
}

/** Opens the call the customer asked for at `callBackAt`. */
async function openCallBack(sql: Writer, task: TaskRow, callBackAt: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, assignee, data)
    values (${`${task.idempotency_key}/call-back`}, 'call', ${task.workflow_id}, ${task.invoice_id}, ${task.customer_id},
            ${task.step_key}, ${callBackAt}, ${task.assignee}, ${sql.json({ ...task.data, callBackOf: task.id } as never)})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!row) throw new Error(`call-back task of task ${task.id} could not be stored`);
  return row.id;
}
