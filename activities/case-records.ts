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

export async function insertTask(sql: Sql, input: OpenTaskInput): Promise<{ taskId: string }> {
  const [row] = await sql<{ id: string }[]>`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, data)
    values (${input.idempotencyKey}, ${input.kind}, ${input.workflowId}, ${input.invoiceId}, ${input.customerId},
            ${input.stepKey ?? null}, ${input.dueAt}, ${sql.json((input.data ?? {}) as never)})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!row) throw new Error(`task ${input.idempotencyKey} could not be stored`);
  return { taskId: row.id };
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
