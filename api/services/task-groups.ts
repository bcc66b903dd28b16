import { readInvoiceBalance } from '../../activities/balance.js';
import { taskGroupLockKey } from '../../activities/case-records.js';
import type { Sql } from '../../db/client.js';
import { ApiError } from '../errors.js';
import type { TaskCompletion } from './task-completion.js';
import { SELECT_TASK, type TaskRow } from './tasks.js';

// The group side of a call or visit completion: which tasks one completion closes, how a
// promise made on the call is shared between their invoices, and which invoices a
// dispute may name.

/** A completion still unfinished after this long was cut short (process stopped), so the task may be completed again. */
const ABANDONED_AFTER_SECONDS = 120;

/**
 * Marks the requested task and the other open tasks of its group as being completed, and
 * returns them oldest invoice due date first. A task whose completion was abandoned counts
 * as open. Returns nothing when the requested task is not open (another request claimed
 * it, or it is done). The per-customer lock orders the claim with task inserts, so no task
 * joins a group while the group is being claimed.
 */
export async function claimGroup(sql: Sql, task: TaskRow): Promise<TaskRow[]> {
  const leaderId = task.group_id ?? task.id;
  const claimable = sql`(status = 'open' or (status = 'done' and outcome is null and completed_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})))`;
  const ids = await sql.begin(async (transaction) => {
    await transaction`select pg_advisory_xact_lock(hashtext(${taskGroupLockKey(task.customer_id)}))`;
    const [requested] = await transaction`select id from tasks where id = ${task.id} and ${claimable}`;
    if (!requested) return [];
    const rows = await transaction<{ id: string }[]>`
      update tasks set status = 'done', completed_at = now()
      where (id = ${leaderId} or group_id = ${leaderId}) and kind = ${task.kind} and ${claimable}
      returning id`;
    return rows.map((row) => row.id);
  });
  if (ids.length === 0) return [];

  return sql<TaskRow[]>`
    ${SELECT_TASK(sql)}
    where t.id = any(${ids}::uuid[])
    order by i.due_date nulls last, t.created_at, t.id`;
}

/**
 * Spreads the promised amount of a call over its invoices, oldest due date first, each
 * getting at most its balance due. A task alone keeps the whole amount, so its case
 * still rejects a promise above its balance.
 */
export async function promiseShares(sql: Sql, members: TaskRow[], completion: TaskCompletion): Promise<Map<string, number>> {
  const shares = new Map<string, number>();
  if (completion.outcome !== 'reached_promised') return shares;
  if (members.length === 1) return new Map(members.map((member) => [member.id, completion.amountMinor]));

  const balances = new Map<string, { dueMinor: number; currency: string }>();
  for (const member of members) {
    if (member.invoice_id && !balances.has(member.invoice_id)) balances.set(member.invoice_id, await readInvoiceBalance(sql, member.invoice_id));
  }
  const currencies = [...new Set([...balances.values()].map((balance) => balance.currency))];
  // TODO: a promise over invoices in several currencies needs an amount per currency, which the completion input lacks.
  if (currencies.length > 1) {
    throw new ApiError('validation_failed', `the call covers invoices in ${currencies.join(' and ')}, so one amountMinor cannot be spread over them: send each promise with POST /v1/invoices/{id}/case/promise, then complete the call as call_back or no_answer`, {
      errors: [{ path: 'body.amountMinor', message: 'ambiguous currency' }],
    });
  }
  const totalDue = [...balances.values()].reduce((sum, balance) => sum + Math.max(0, balance.dueMinor), 0);
  if (completion.amountMinor > totalDue) {
    throw new ApiError('validation_failed', `amountMinor ${completion.amountMinor} is more than the balance due of the call's invoices (${totalDue} ${currencies[0] ?? ''}): promise at most that balance`, {
      errors: [{ path: 'body.amountMinor', message: 'more than the balance due' }],
    });
  }

  // Two tasks of one invoice (a call-back and a later step) send the same share to the same case.
  let left = completion.amountMinor;
  const sharePerInvoice = new Map<string, number>();
  for (const member of members) {
    if (!member.invoice_id) continue;
    let share = sharePerInvoice.get(member.invoice_id);
    if (share === undefined) {
      share = Math.min(left, Math.max(0, balances.get(member.invoice_id)?.dueMinor ?? 0));
      left -= share;
      sharePerInvoice.set(member.invoice_id, share);
    }
    if (share > 0) shares.set(member.id, share);
  }
  return shares;
}

/** Rejects disputed invoices that the task's group does not cover. */
export async function checkDisputedInvoices(sql: Sql, task: TaskRow, completion: TaskCompletion): Promise<void> {
  if (completion.outcome !== 'reached_disputed' || !completion.invoiceIds) return;
  const leaderId = task.group_id ?? task.id;
  const rows = await sql<{ invoice_id: string }[]>`
    select distinct invoice_id from tasks where (id = ${leaderId} or group_id = ${leaderId}) and invoice_id is not null`;
  const covered = new Set(rows.map((row) => row.invoice_id));
  const unknown = completion.invoiceIds.filter((invoiceId) => !covered.has(invoiceId));
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', `invoiceIds ${unknown.join(', ')} are not among the invoices of task ${task.id}: read them from GET /v1/tasks/${task.id}`, {
      errors: [{ path: 'body.invoiceIds', message: 'invoice not covered by the call' }],
    });
  }
}
