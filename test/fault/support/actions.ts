// Reads back every action that dunning steps leave behind, so that a fault test can
// count each one: e-mails the provider accepted, and the messages, message lines,
// letters, tasks and carbon lines stored.
import type { Sql } from '../../../db/client.js';
import type { FakeResend } from '../../support/fake-resend.js';

/** Idempotency keys of e-mails the provider accepted, per recipient, from single and batch requests. */
export function acceptedKeysByRecipient(fake: FakeResend): Map<string, string[]> {
  const accepted = new Map<string, string[]>();
  for (const request of [...fake.emailRequests(), ...fake.batchRequests()]) {
    if (request.status !== 200) continue;
    const emails = (Array.isArray(request.body) ? request.body : [request.body]) as ({ to?: string[] } | null)[];
    for (const [index, email] of emails.entries()) {
      const to = email?.to?.[0] ?? '(none)';
      const key = `${request.idempotencyKey ?? '(none)'}${Array.isArray(request.body) ? `#${index}` : ''}`;
      const keys = accepted.get(to) ?? [];
      if (!keys.includes(key)) keys.push(key);
      accepted.set(to, keys);
    }
  }
  return accepted;
}

/** Requests the provider received per idempotency key, single and batch, with their HTTP statuses in arrival order (0 when the fake never responded). */
export function statusesByKey(fake: FakeResend): Map<string, number[]> {
  const statuses = new Map<string, number[]>();
  for (const request of [...fake.emailRequests(), ...fake.batchRequests()].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const key = request.idempotencyKey ?? '(none)';
    statuses.set(key, [...(statuses.get(key) ?? []), request.status]);
  }
  return statuses;
}

export interface StepActions {
  /** Messages that carry this step of this invoice, by status. */
  messages: string[];
  letters: number;
  /** Tasks opened for this step, by kind. */
  tasks: string[];
  /** Carbon lines of the messages and letters of this step. */
  carbonLines: number;
}

/** Counts what one step of one invoice left in the database. */
export async function actionsOfStep(sql: Sql, invoiceId: string, stepKey: string): Promise<StepActions> {
  const workflowId = `dunning-case-${invoiceId}`;
  const messages = await sql<{ id: string; status: string }[]>`
    select m.id, m.status from message_invoices mi join messages m on m.id = mi.message_id
    where mi.invoice_id = ${invoiceId} and mi.step_key = ${stepKey} order by m.sent_at`;
  const letters = await sql<{ idempotency_key: string }[]>`
    select idempotency_key from letters where invoice_id = ${invoiceId} and idempotency_key like ${`${workflowId}/step/${stepKey}%`}`;
  const tasks = await sql<{ kind: string }[]>`select kind from tasks where invoice_id = ${invoiceId} and step_key = ${stepKey} order by created_at`;
  const carbon = await sql<{ count: number }[]>`
    select count(*)::int as count from carbon_ledger
    where message_id in ${sql(messages.length > 0 ? messages.map((message) => message.id) : ['00000000-0000-0000-0000-000000000000'])}
       or idempotency_key in ${sql(letters.length > 0 ? letters.map((letter) => letter.idempotency_key) : [''])}`;
  return {
    messages: messages.map((message) => message.status),
    letters: letters.length,
    tasks: tasks.map((task) => task.kind),
    carbonLines: carbon[0]?.count ?? 0,
  };
}

/** Rows of each table written by the cases of `invoiceIds`, for totals that catch a stray duplicate. */
export async function rowTotals(sql: Sql, invoiceIds: string[]) {
  const workflowIds = invoiceIds.map((id) => `dunning-case-${id}`);
  const [totals] = await sql<{ messages: number; message_invoices: number; letters: number; tasks: number; carbon_lines: number; case_ended: number }[]>`
    select
      (select count(distinct message_id)::int from message_invoices where invoice_id in ${sql(invoiceIds)}) as messages,
      (select count(*)::int from message_invoices where invoice_id in ${sql(invoiceIds)}) as message_invoices,
      (select count(*)::int from letters where invoice_id in ${sql(invoiceIds)}) as letters,
      (select count(*)::int from tasks where invoice_id in ${sql(invoiceIds)}) as tasks,
      (select count(*)::int from carbon_ledger where workflow_id in ${sql(workflowIds)}
         or message_id in (select message_id from message_invoices where invoice_id in ${sql(invoiceIds)})) as carbon_lines,
      (select count(*)::int from case_events where invoice_id in ${sql(invoiceIds)} and type = 'case_ended') as case_ended`;
  return totals;
}
