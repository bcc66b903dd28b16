import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';

/**
 * Writes a back-office action to the case history with source 'operator' and its author,
 * beside the event the workflow writes itself: the workflow's event names the author in
 * free text, this one carries the user id and e-mail as fields.
 */
export async function recordOperatorEvent(
  sql: Sql,
  input: { invoiceId: string; type: string; author: { id: string; email: string }; data?: Record<string, unknown>; idempotencyKey?: string },
): Promise<void> {
  const data = { ...input.data, author: input.author.email, authorId: input.author.id };
  await sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${dunningCaseWorkflowId(input.invoiceId)}, ${input.invoiceId}, ${input.type}, 'operator', now(), ${sql.json(data as never)},
            ${input.idempotencyKey ?? `backoffice/${randomUUID()}`})
    on conflict (idempotency_key) do nothing`;
}
