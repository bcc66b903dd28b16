import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Sql } from '../db/client.js';
import { dunningCaseWorkflowId } from '../domain/ids.js';
import type { EmailDispatchOutcome } from '../workflows/email-dispatch.js';
import { recordCarbonLine } from './carbon.js';
import type { ActivityDeps } from './deps.js';
import { statusOf } from './email-queue.js';
import type { TemporalDeps } from './grouped-email.js';
import { MailDeliveryError, type BatchEmail, type BatchEmailResult } from './mailer.js';
import { currentAttempt, openNotDeliverableTask, recordDeduplicated } from './reminder-delivery.js';
import { MAX_BATCH_SIZE } from './resend-rate.js';

export const emailBatchInputSchema = z.object({
  /** Idempotency key of the batch request: the dispatcher's workflow id, run id and batch number. */
  batchKey: z.string().min(1).max(256),
  /** The dispatcher's clock when it formed the batch; the messages' sent_at. */
  actedAt: z.iso.datetime({ offset: true }),
  handoffs: z.array(z.object({ messageId: z.uuid(), mailboxWorkflowId: z.string().min(1) })).min(1).max(MAX_BATCH_SIZE),
});
export type EmailBatchInput = z.infer<typeof emailBatchInputSchema>;

interface MessageRow {
  id: string;
  idempotency_key: string;
  status: string;
  customer_id: string;
  contact_id: string | null;
  sender: string | null;
  recipients: string[] | null;
  subject: string | null;
  html: string | null;
  text_body: string | null;
  size_bytes: number | null;
  failure_reason: string | null;
  batch_key: string | null;
  send_alone: boolean;
}

interface StepLine {
  messageId: string;
  workflowId: string;
  invoiceId: string;
  stepKey: string;
}

/**
 * Sends the queued reminder e-mails of one batch in one POST /emails/batch under the
 * batch key, records each outcome with its carbon line, and signals each mailbox.
 *
 * Exactly once: each message is claimed for one batch key before the request, and the
 * outcomes of a request are recorded in one transaction. A retry therefore either finds
 * every message recorded and sends nothing, or posts the same payload under the same key,
 * for which the provider returns its first result instead of sending again.
 *
 * An address the provider rejects makes its own message "not deliverable" with a task for
 * a collector. Under strict validation a 422 means the provider sent nothing, so the batch
 * falls back to one request per message under each message's own key.
 */
export async function sendEmailBatch(deps: ActivityDeps & { temporal: TemporalDeps }, rawInput: EmailBatchInput): Promise<{ sent: number; notDeliverable: number; inOtherBatch: number }> {
  const parsed = emailBatchInputSchema.safeParse(rawInput);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid e-mail batch input: ${z.prettifyError(parsed.error)}`, 'InvalidStepInput');
  const input = parsed.data;
  const { sql, logger } = deps;
  const messageIds = [...new Set(input.handoffs.map((handoff) => handoff.messageId))];

  // NOTE: a claim is never released, so a message whose dispatcher was terminated before its batch finished stays queued until an operator acts.
  await sql`update messages set batch_key = ${input.batchKey} where id in ${sql(messageIds)} and status = 'queued' and batch_key is null`;
  const rows = await loadMessages(sql, messageIds);
  const lines = await loadLines(sql, messageIds);
  const missing = messageIds.filter((id) => !rows.has(id));
  if (missing.length > 0) throw ApplicationFailure.nonRetryable(`messages ${missing.join(', ')} of batch ${input.batchKey} are missing`, 'InvalidStepInput');

  const mine = messageIds.map((id) => rows.get(id) as MessageRow).filter((row) => row.batch_key === input.batchKey);
  const toSend = mine.filter((row) => row.status === 'queued');
  const inOtherBatch = messageIds.filter((id) => rows.get(id)?.status === 'queued' && rows.get(id)?.batch_key !== input.batchKey);
  if (inOtherBatch.length > 0) logger.warn({ batchKey: input.batchKey, messageIds: inOtherBatch }, 'messages already belong to another batch; that batch sends them');

  if (toSend.length > 0) {
    const batch = deps.mailer.batch;
    let alone = toSend.some((row) => row.send_alone) || !batch;
    if (batch && !alone) {
      const results = await postBatch(deps, batch.sendBatch.bind(batch), toSend, input.batchKey);
      if (results) await recordBatch(deps, toSend, results, input.actedAt);
      else {
        logger.warn({ batchKey: input.batchKey, messages: toSend.length }, 'batch rejected as a whole; sending each e-mail by itself');
        await sql`update messages set send_alone = true where id in ${sql(toSend.map((row) => row.id))} and status = 'queued'`;
        alone = true;
      }
    }
    if (alone) await sendOneByOne(deps, toSend, input.actedAt);

    const attempt = currentAttempt();
    if (attempt > 1) {
      for (const row of toSend) {
        const reason = 'provider called again with the same idempotency key';
        await recordDeduplicated(deps, { lines: lines.filter((line) => line.messageId === row.id) }, { messageId: row.id, attempt, reason });
      }
    }
  }

  // Bookkeeping is idempotent, so it runs again for messages an earlier attempt recorded.
  const final = await loadMessages(sql, messageIds);
  let sent = 0;
  let notDeliverable = 0;
  for (const row of final.values()) {
    if (row.batch_key !== input.batchKey || row.status === 'queued') continue;
    const carried = lines.filter((line) => line.messageId === row.id);
    if (row.status === 'not_deliverable') {
      notDeliverable += 1;
      const reason = row.failure_reason ?? 'the mail provider rejected the address';
      await openNotDeliverableTask(sql, { messageKey: row.idempotency_key, customerId: row.customer_id, actedAt: input.actedAt, reason, lines: carried });
      continue;
    }
    sent += 1;
    await recordCarbonLine(sql, {
      idempotencyKey: row.idempotency_key,
      workflowId: carried.length === 1 ? (carried[0]?.workflowId ?? null) : null,
      customerId: row.customer_id,
      messageId: row.id,
      channel: 'email',
      measure: { bytes: row.size_bytes ?? 0, recipients: row.recipients?.length ?? 1 },
    });
  }

  await signalMailboxes(deps, input, final);
  logger.info({ batchKey: input.batchKey, sent, notDeliverable, inOtherBatch: inOtherBatch.length }, 'reminder e-mail batch done');
  return { sent, notDeliverable, inOtherBatch: inOtherBatch.length };
}

/** Posts the batch; returns null when the provider rejected it as a whole (HTTP 422 under strict validation). */
async function postBatch(
  deps: ActivityDeps,
  sendBatch: (emails: BatchEmail[], idempotencyKey: string) => Promise<{ results: BatchEmailResult[] }>,
  rows: MessageRow[],
  batchKey: string,
): Promise<BatchEmailResult[] | null> {
  try {
    const { results } = await sendBatch(rows.map(emailOf), batchKey);
    if (results.length !== rows.length) throw new Error(`the mailer returned ${results.length} results for a batch of ${rows.length} e-mails`);
    return results;
  } catch (error) {
    if (error instanceof MailDeliveryError && error.kind === 'invalid_recipient') return null;
    throw retryFailureOf(deps, error, { batchKey });
  }
}

/** Records every outcome of one batch request in one transaction, so that a retry finds all of them or none. */
async function recordBatch(deps: ActivityDeps, rows: MessageRow[], results: BatchEmailResult[], actedAt: string): Promise<void> {
  const status = deps.mailer.provider === 'outbox' ? 'outbox' : 'sent';
  await deps.sql.begin(async (transaction) => {
    for (const [index, row] of rows.entries()) {
      const result = results[index] as BatchEmailResult;
      if (result.accepted) {
        await transaction`
          update messages set status = ${status}, provider = ${deps.mailer.provider}, provider_message_id = ${result.providerMessageId}, sent_at = ${actedAt}
          where id = ${row.id} and status = 'queued'`;
      } else {
        await markNotDeliverable(transaction as unknown as Sql, row, result.reason, actedAt);
      }
    }
  });
  const rejected = rows.filter((_row, index) => !results[index]?.accepted).map((row) => row.id);
  if (rejected.length > 0) deps.logger.warn({ messageIds: rejected }, 'mail provider rejected addresses in a batch; their messages are not deliverable');
}

/** Sends each message in a request of its own under the message's key, recording each outcome as it comes. */
async function sendOneByOne(deps: ActivityDeps, rows: MessageRow[], actedAt: string): Promise<void> {
  const status = deps.mailer.provider === 'outbox' ? 'outbox' : 'sent';
  for (const row of rows) {
    try {
      const { providerMessageId } = await deps.mailer.send({ ...emailOf(row), idempotencyKey: row.idempotency_key });
      await deps.sql`
        update messages set status = ${status}, provider = ${deps.mailer.provider}, provider_message_id = ${providerMessageId}, sent_at = ${actedAt}
        where id = ${row.id} and status = 'queued'`;
    } catch (error) {
      if (!(error instanceof MailDeliveryError && error.kind === 'invalid_recipient')) throw retryFailureOf(deps, error, { messageId: row.id });
      await deps.sql.begin((transaction) => markNotDeliverable(transaction as unknown as Sql, row, error.message, actedAt));
    }
  }
}

/** Marks a queued message not deliverable. Its invoices are released, as for a direct send, so that no step counts as carried by it. */
async function markNotDeliverable(sql: Sql, row: MessageRow, reason: string, actedAt: string): Promise<void> {
  await sql`update messages set status = 'not_deliverable', failure_reason = ${reason}, sent_at = ${actedAt} where id = ${row.id} and status = 'queued'`;
  await sql`delete from message_invoices where message_id = ${row.id}`;
}

/** Turns a provider failure into the activity's retry; a 429 retries after its Retry-After. */
function retryFailureOf(deps: ActivityDeps, error: unknown, ids: Record<string, unknown>): unknown {
  if (error instanceof MailDeliveryError && error.kind === 'rate_limited') {
    deps.logger.warn({ ...ids, retryAfterSeconds: error.retryAfterSeconds }, 'mail provider rate limit reached; retrying later');
    return ApplicationFailure.create({ message: error.message, type: 'MailRateLimited', nextRetryDelay: error.retryAfterSeconds ? `${error.retryAfterSeconds} seconds` : undefined });
  }
  deps.logger.warn({ ...ids, attempt: currentAttempt(), error: (error as Error).message }, 'mail provider failed; the activity will retry');
  return error;
}

/** Signals each mailbox with the outcome of its message; a mailbox that ended meanwhile needs none. */
async function signalMailboxes(deps: { temporal: TemporalDeps } & Pick<ActivityDeps, 'logger'>, input: EmailBatchInput, rows: Map<string, MessageRow>): Promise<void> {
  const client = await deps.temporal.client();
  for (const handoff of input.handoffs) {
    const row = rows.get(handoff.messageId);
    const status = row ? statusOf(row.status) : 'queued';
    if (!row || status === 'queued') continue;
    const outcome: EmailDispatchOutcome = { messageId: row.id, outcome: status, ...(row.failure_reason ? { detail: row.failure_reason } : {}) };
    try {
      await client.workflow.getHandle(handoff.mailboxWorkflowId).signal('emailDispatched', outcome);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      deps.logger.warn({ mailboxWorkflowId: handoff.mailboxWorkflowId, messageId: row.id }, 'mailbox ended before its e-mail was dispatched');
    }
  }
}

function emailOf(row: MessageRow): BatchEmail {
  if (!row.sender || !row.recipients || row.recipients.length === 0 || row.subject === null || row.html === null || row.text_body === null) {
    throw ApplicationFailure.nonRetryable(`queued message ${row.id} lacks its sender, recipients or content: queue it again`, 'InvalidStepInput');
  }
  return { from: row.sender, to: row.recipients, subject: row.subject, html: row.html, text: row.text_body, idempotencyKey: row.idempotency_key };
}

async function loadMessages(sql: Sql, messageIds: string[]): Promise<Map<string, MessageRow>> {
  const rows = await sql<MessageRow[]>`
    select id, idempotency_key, status, customer_id, contact_id, sender, recipients, subject, html, text_body, size_bytes,
           failure_reason, batch_key, send_alone
    from messages where id in ${sql(messageIds)}`;
  return new Map(rows.map((row) => [row.id, row]));
}

async function loadLines(sql: Sql, messageIds: string[]): Promise<StepLine[]> {
  const rows = await sql<{ message_id: string; invoice_id: string; step_key: string }[]>`
    select message_id, invoice_id, step_key from message_invoices where message_id in ${sql(messageIds)} order by message_id, invoice_id`;
  return rows.map((row) => ({ messageId: row.message_id, workflowId: dunningCaseWorkflowId(row.invoice_id), invoiceId: row.invoice_id, stepKey: row.step_key }));
}
