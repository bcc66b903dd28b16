import type { Sql } from '../db/client.js';
import type { CaseEventInput, CaseProjection, EndCaseInput, OpenTaskInput, WriteOffActivityInput } from './types.js';

// Bookkeeping activities. Each write is keyed, so a retried activity changes nothing twice.

export async function insertCaseEvent(sql: Sql, input: CaseEventInput): Promise<void> {
  await sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${input.workflowId}, ${input.invoiceId}, ${input.type}, ${input.source}, ${input.occurredAt},
            ${sql.json((input.data ?? {}) as never)}, ${input.idempotencyKey})
    on conflict (idempotency_key) do nothing`;
}

export async function upsertCaseProjection(sql: Sql, input: CaseProjection): Promise<void> {
  await sql`
    insert into cases (workflow_id, invoice_id, customer_id, scenario_id, scenario_version, status, stage,
                       amount_due_minor, currency, next_action_at)
    values (${input.workflowId}, ${input.invoiceId}, ${input.customerId}, ${input.scenarioId}, ${input.scenarioVersion},
            ${input.status}, ${input.stage}, ${input.amountDueMinor}, ${input.currency}, ${input.nextActionAt})
    on conflict (workflow_id) do update set
      status = excluded.status, stage = excluded.stage, amount_due_minor = excluded.amount_due_minor,
      scenario_version = excluded.scenario_version,
      next_action_at = excluded.next_action_at, updated_at = now()`;
}

/** Records the end of a case. The end event is written once per case, whatever the retries. Returns whether this call wrote it. */
export async function recordCaseEnd(sql: Sql, input: EndCaseInput): Promise<{ emitted: boolean }> {
  return sql.begin(async (transaction) => {
    const inserted = await transaction`
      insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
      values (${input.workflowId}, ${input.invoiceId}, 'case_ended', 'workflow', ${input.endedAt},
              ${transaction.json({ terminalState: input.terminalState, dueMinor: input.balance?.dueMinor ?? null, reason: input.reason ?? null } as never)},
              ${`${input.workflowId}/end`})
      on conflict do nothing
      returning id`;
    await transaction`
      update cases set status = ${input.terminalState}, terminal_state = ${input.terminalState},
        ended_at = coalesce(ended_at, ${input.endedAt}), next_action_at = null, updated_at = now()
      where workflow_id = ${input.workflowId}`;
    return { emitted: inserted.length > 0 };
  });
}

export interface InsertedTask {
  taskId: string;
  /** Id of the leader of the group the task joined, or null when the task leads its own group. */
  groupId: string | null;
}

/** Task kinds a collector does once per customer: their open tasks form one group. */
export const GROUPED_TASK_KINDS: readonly string[] = ['call', 'visit'];

/** Returns the key of the per-customer advisory lock that orders task inserts and group completions. */
export function taskGroupLockKey(customerId: string): string {
  return `tasks/${customerId}`;
}

/**
 * Inserts a task once per idempotency key and returns its id. A call or visit joins the
 * group of the customer's open task of the same kind when that group's leader is still
 * open, so the collector calls once about every invoice. Otherwise it leads a new group.
 */
export async function insertTask(sql: Sql, input: OpenTaskInput): Promise<InsertedTask> {
  return sql.begin((transaction) => insertTaskInTransaction(transaction as unknown as Sql, input));
}

/**
 * Does the work of insertTask inside the caller's transaction. The per-customer lock
 * makes two cases of one customer that open a call at once join the same group, and
 * makes a group completion (which takes the same lock) never miss a task that joins.
 */
export async function insertTaskInTransaction(sql: Sql, input: OpenTaskInput & { assignee?: string | null }): Promise<InsertedTask> {
  await sql`select pg_advisory_xact_lock(hashtext(${taskGroupLockKey(input.customerId)}))`;

  const [existing] = await sql<{ id: string; group_id: string | null }[]>`select id, group_id from tasks where idempotency_key = ${input.idempotencyKey}`;
  if (existing) return { taskId: existing.id, groupId: existing.group_id };

  let groupId: string | null = null;
  if (GROUPED_TASK_KINDS.includes(input.kind)) {
    const [group] = await sql<{ leader_id: string }[]>`
      select leader.id as leader_id
      from tasks member join tasks leader on leader.id = coalesce(member.group_id, member.id)
      where member.customer_id = ${input.customerId} and member.kind = ${input.kind} and member.status = 'open' and leader.status = 'open'
      order by leader.created_at, leader.id
      limit 1`;
    groupId = group?.leader_id ?? null;
  }

  const [row] = await sql<{ id: string }[]>`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, assignee, data, group_id)
    values (${input.idempotencyKey}, ${input.kind}, ${input.workflowId}, ${input.invoiceId}, ${input.customerId},
            ${input.stepKey ?? null}, ${input.dueAt}, ${input.assignee ?? null}, ${sql.json((input.data ?? {}) as never)}, ${groupId})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!row) throw new Error(`task ${input.idempotencyKey} could not be stored`);
  return { taskId: row.id, groupId };
}

export async function insertWriteOff(sql: Sql, input: WriteOffActivityInput): Promise<void> {
  await sql`
    insert into write_offs (invoice_id, amount_minor, reason, author, idempotency_key)
    values (${input.invoiceId}, ${input.amountMinor}, ${input.reason}, ${input.author}, ${input.idempotencyKey})
    on conflict (idempotency_key) do nothing`;
}

export async function markInvoiceCancelled(sql: Sql, input: { invoiceId: string; author: string }): Promise<void> {
  await sql`update invoices set cancelled_at = coalesce(cancelled_at, now()), updated_at = now() where id = ${input.invoiceId}`;
}
