import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { recordCarbonLine } from '../../activities/carbon.js';
import { insertTaskInTransaction } from '../../activities/case-records.js';
import type { Sql } from '../../db/client.js';
import { disputeReasonSchema, type TaskCompletedInput } from '../../domain/case.js';
import { calendarDateSchema, instantSchema } from '../../domain/dates.js';
import { ApiError } from '../errors.js';
import type { TemporalHandle } from '../temporal.js';
import { updateCase } from './cases.js';
import { checkDisputedInvoices, claimGroup, promiseShares } from './task-groups.js';
import { findTask, toTaskSummary, type TaskRow } from './tasks.js';

// Completing a call or visit: the outcome code is stored on the task, the carbon ledger
// gets the minutes or kilometres, the case history gets an event, and the running case
// receives a signal. A call covers every open task of its group (one per invoice of the
// customer), so each of those tasks is completed with the same outcome and each case
// receives it, while the minutes count once. Outcome codes, not free text, because
// the person called may read the notes through the GDPR right of access.

const measureShape = {
  /** Length of the call in minutes, for the carbon ledger. */
  durationMinutes: z.number().min(0).max(600).optional(),
  /** Distance driven for a visit in km, return trip included, for the carbon ledger. */
  distanceKm: z.number().min(0).max(2000).optional(),
  author: z.string().trim().min(1).max(200).default('operator'),
};

export const taskCompletionSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('reached_promised'), promisedDate: calendarDateSchema, amountMinor: z.number().int().positive(), ...measureShape }),
  z.object({
    outcome: z.literal('reached_disputed'),
    reason: disputeReasonSchema,
    comment: z.string().trim().max(2000).optional(),
    /** Invoices the customer disputes, among those of the call. Every invoice of the call when omitted. */
    invoiceIds: z.array(z.uuid()).min(1).max(500).optional(),
    ...measureShape,
  }),
  z.object({ outcome: z.literal('no_answer'), ...measureShape }),
  z.object({ outcome: z.literal('wrong_number'), ...measureShape }),
  z.object({ outcome: z.literal('call_back'), callBackAt: instantSchema, ...measureShape }),
]);
export type TaskCompletion = z.infer<typeof taskCompletionSchema>;

/** The effect of a completion on one task of the group. */
export interface CompletedMember {
  taskId: string;
  invoiceId: string | null;
  workflowId: string | null;
  /** This invoice's part of the promised amount, in minor units. Null for other outcomes, and for an invoice the amount did not reach. */
  promisedMinor: number | null;
  followUpTaskId: string | null;
  caseStatus: string | null;
}

/** The stored result of a completion, on every task it completed; a second completion returns it unchanged. */
export interface CompletionResult {
  task: ReturnType<typeof toTaskSummary>;
  completion: TaskCompletion;
  /** The one carbon line of the call or visit, whatever the number of invoices it covered. */
  carbon: { channel: string; gramsCo2e: number } | null;
  followUpTaskId: string | null;
  caseStatus: string | null;
  /** Every task the completion closed, the requested one included, oldest invoice due date first. */
  group: { leaderId: string; tasks: CompletedMember[] };
}

/** Postgres transactions lack only begin and end, which the ledger writers never call. */
type Writer = Sql;

/** How long a concurrent completion waits for the first one's result before it fails with 409. */
const WAIT_MS = 10_000;
const POLL_MS = 100;

/**
 * Completes a task, and every open task of its group, once. The first request claims the
 * tasks with one short transaction, so no request keeps a database connection while the
 * updates go to the cases: ten waiting completions could otherwise take every connection
 * of the pool and stall the first. A concurrent second completion waits for the first
 * result and returns it. When a case rejects the update (a promise beyond its horizon),
 * that task and the tasks after it are released to open, the tasks whose cases already
 * received the update are stored as completed, and the error is raised.
 */
export async function completeTask(sql: Sql, temporal: TemporalHandle, taskId: string, completion: TaskCompletion): Promise<CompletionResult> {
  const task = await findTask(sql, taskId);
  checkMeasure(task, completion);
  await checkDisputedInvoices(sql, task, completion);

  const deadline = Date.now() + WAIT_MS;
  let claimed: TaskRow[];
  while ((claimed = await claimGroup(sql, task)).length === 0) {
    const [current] = await sql<{ status: string; outcome: CompletionResult | null }[]>`select status, outcome from tasks where id = ${taskId}`;
    if (current?.status === 'done' && current.outcome) return current.outcome;
    if (current?.status !== 'open' && current?.status !== 'done') throw new ApiError('conflict', `task ${taskId} is ${current?.status ?? 'missing'}: only an open task can be completed`);
    if (Date.now() > deadline) throw new ApiError('conflict', `task ${taskId} is being completed by another request: retry in a few seconds to receive its result`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  const signalled: SignalledTask[] = [];
  try {
    const shares = await promiseShares(sql, claimed, completion);
    for (const member of claimed) {
      const promisedMinor = shares.get(member.id) ?? null;
      signalled.push({ task: member, promisedMinor, caseStatus: await signalMember(sql, temporal, member, completion, promisedMinor, claimed.length) });
    }
  } catch (error) {
    const unsignalled = claimed.filter((member) => !signalled.some((done) => done.task.id === member.id)).map((member) => member.id);
    await sql`update tasks set status = 'open', completed_at = null where id = any(${unsignalled}::uuid[]) and outcome is null`;
    if (signalled.length > 0) await writeCompletion(sql, task, completion, signalled);
    throw error;
  }
  return writeCompletion(sql, task, completion, signalled);
}

interface SignalledTask {
  task: TaskRow;
  promisedMinor: number | null;
  caseStatus: string | null;
}

/**
 * Sends the completion to one task's case. In a group of several tasks, a case that has
 * ended (its invoice was paid since the call was planned) receives nothing, and its task
 * is completed with the case's terminal state. A task alone raises the 409 error.
 */
async function signalMember(sql: Sql, temporal: TemporalHandle, member: TaskRow, completion: TaskCompletion, promisedMinor: number | null, groupSize: number): Promise<string | null> {
  if (!member.workflow_id || !member.invoice_id) return null;
  try {
    return await tellCase(sql, temporal, member, completion, promisedMinor);
  } catch (error) {
    if (groupSize > 1 && error instanceof ApiError && error.code === 'case_ended') return (error.extensions.terminalState as string | null) ?? 'ended';
    throw error;
  }
}

/** Writes the carbon line once, then each task's call-back, case event and stored result, in one transaction. */
async function writeCompletion(
  sql: Sql,
  requested: TaskRow,
  completion: TaskCompletion,
  signalled: SignalledTask[],
): Promise<CompletionResult> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Writer;
    // The leader carries the carbon line, unless an earlier partial completion already closed it.
    const leaderId = requested.group_id ?? requested.id;
    const first = signalled.find((member) => member.task.id === leaderId) ?? (signalled[0] as SignalledTask);
    const carbon = await recordMeasure(tx, first.task, completion);
    const completedAt = new Date().toISOString();

    const members: CompletedMember[] = [];
    for (const { task, promisedMinor, caseStatus } of signalled) {
      const followUpTaskId = completion.outcome === 'call_back' ? await openCallBack(tx, task, completion.callBackAt) : null;
      members.push({ taskId: task.id, invoiceId: task.invoice_id, workflowId: task.workflow_id, promisedMinor, followUpTaskId, caseStatus });
      if (!task.workflow_id || !task.invoice_id) continue;
      // The carbon line's grams go on the event of the task that carries the line, so summing events never counts a call twice.
      await transaction`
        insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
        values (${task.workflow_id}, ${task.invoice_id}, ${`${task.kind}_completed`}, 'operator', ${completedAt},
                ${transaction.json({ taskId: task.id, groupId: task.group_id ?? task.id, ...completion, promisedMinor, gramsCo2e: task.id === first.task.id ? carbon?.gramsCo2e ?? null : null } as never)},
                ${`task/${task.id}/completed`})
        on conflict (idempotency_key) do nothing`;
    }

    const results = new Map<string, CompletionResult>();
    for (const { task } of signalled) {
      const own = members.find((member) => member.taskId === task.id) as CompletedMember;
      const result: CompletionResult = {
        task: { ...toTaskSummary(task), status: 'done', completedAt },
        completion,
        carbon,
        followUpTaskId: own.followUpTaskId,
        caseStatus: own.caseStatus,
        group: { leaderId, tasks: members },
      };
      results.set(task.id, result);
      await transaction`update tasks set status = 'done', completed_at = ${completedAt}, outcome = ${transaction.json(result as never)} where id = ${task.id}`;
    }
    // The requested task is missing only when a case rejected the update before it: the caller then raises that error.
    return results.get(requested.id) ?? (results.get(first.task.id) as CompletionResult);
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
 * Sends the promise (this invoice's part of it) or the dispute as an update, then the
 * taskCompleted signal. A case that has ended raises a 409 error with its terminal state.
 * Returns the case status afterwards.
 */
async function tellCase(sql: Sql, temporal: TemporalHandle, task: TaskRow, completion: TaskCompletion, promisedMinor: number | null): Promise<string | null> {
  const invoiceId = task.invoice_id as string;
  const workflowId = task.workflow_id as string;
  const ended = (terminalState: string | null) =>
    new ApiError('case_ended', `the case of invoice ${invoiceId} has ended as ${terminalState ?? 'finished'}: record the outcome on the invoice instead`, { terminalState });

  const [caseRow] = await sql<{ terminal_state: string | null }[]>`select terminal_state from cases where workflow_id = ${workflowId}`;
  if (caseRow?.terminal_state) throw ended(caseRow.terminal_state);

  let status: string | null = null;
  if (completion.outcome === 'reached_promised' && promisedMinor !== null) {
    const state = await updateCase(sql, temporal, invoiceId, 'promiseToPay', {
      promisedDate: completion.promisedDate,
      amountMinor: promisedMinor,
      source: 'operator',
      author: completion.author,
    }, `task-${task.id}-promise`);
    status = state.status;
  }
  if (completion.outcome === 'reached_disputed' && (!completion.invoiceIds || completion.invoiceIds.includes(invoiceId))) {
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
    ...(completion.outcome === 'reached_promised' && promisedMinor !== null ? { promisedDate: completion.promisedDate, amountMinor: promisedMinor } : {}),
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

/** Opens the call the customer asked for at `callBackAt`; the call-backs of one group's tasks form a new group. */
async function openCallBack(sql: Writer, task: TaskRow, callBackAt: string): Promise<string> {
  const { taskId } = await insertTaskInTransaction(sql, {
    idempotencyKey: `${task.idempotency_key}/call-back`,
    kind: 'call',
    workflowId: task.workflow_id as string,
    invoiceId: task.invoice_id as string,
    customerId: task.customer_id,
    stepKey: task.step_key ?? undefined,
    dueAt: callBackAt,
    assignee: task.assignee,
    data: { ...task.data, callBackOf: task.id },
  });
  return taskId;
}
