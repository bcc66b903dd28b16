import { ApplicationFailure, Context } from '@temporalio/activity';
import { renderReminderEmail } from '../emails/reminder.js';
import { localDateOf } from '../domain/dates.js';
import { signPortalToken } from '../web/portal/token.js';
import { recordCarbonLine } from './carbon.js';
import type { ClaimLine } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { MailDeliveryError } from './mailer.js';
import { findEmailRecipient } from './recipients.js';
import type { PerformStepInput, StepOutcome } from './types.js';

const EMAIL_TONES = { courtesy: 'courtesy', friendly: 'friendly', firm: 'firm', final: 'final', formal_notice: 'final' } as const;

/**
 * Sends the e-mail of a dunning step once. A message already stored under the step's
 * idempotency key is returned as it is; the provider gets the same key, so a retry
 * after a crash between its answer and the database write sends nothing twice.
 */
export async function sendEmailStep(deps: ActivityDeps, input: PerformStepInput, claims: ClaimLine[] = []): Promise<StepOutcome> {
  const { sql, mailer, logger } = deps;
  const ids = { workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key };

  const attempt = currentAttempt();
  const [existing] = await sql<{ id: string; status: string }[]>`select id, status from messages where idempotency_key = ${input.idempotencyKey}`;
  if (existing) {
    logger.info({ ...ids, messageId: existing.id }, 'reminder already sent for this step; not sending again');
    await recordDeduplicated(deps, input, { messageId: existing.id, attempt, reason: 'message already stored' });
    return { outcome: existing.status === 'not_deliverable' ? 'not_deliverable' : 'sent', messageId: existing.id, detail: 'deduplicated' };
  }

  const [customer] = await sql<{ name: string; is_business: boolean; time_zone: string; portal_link_version: number; language: 'fr' | 'en' }[]>`
    select name, is_business, time_zone, portal_link_version, language from customers where id = ${input.customerId}`;
  const [invoice] = await sql<{ number: string; issue_date: string; due_date: string }[]>`
    select number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date
    from invoices where id = ${input.invoiceId}`;
  if (!customer || !invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceId} or its customer is missing`, 'InvalidStepInput');

  const recipient = await findEmailRecipient(sql, input.customerId, deps.company.language);
  if (!recipient) return recordNotDeliverable(deps, input, customer.language, 'no contact has a usable e-mail address');

  const expiresAt = new Date(Date.parse(input.actedAt) + deps.portal.linkTtlDays * 86_400_000);
  const token = signPortalToken({ customerId: input.customerId, linkVersion: customer.portal_link_version, expiresAt }, deps.portal.secrets);
  const { balance } = input;
  const rendered = await renderReminderEmail({
    language: recipient.language,
    tone: EMAIL_TONES[input.step.tone],
    recipientName: recipient.name ?? undefined,
    customer: { name: customer.name, isBusiness: customer.is_business },
    creditor: { name: deps.company.name, siren: deps.company.siren, address: deps.company.address, senderEmail: deps.company.senderEmail },
    invoices: [
      {
        number: invoice.number,
        issueDate: invoice.issue_date,
        dueDate: invoice.due_date,
        currency: balance.currency,
        originalMinor: balance.originalMinor,
        paidMinor: balance.originalMinor - balance.dueMinor,
        dueMinor: balance.dueMinor,
      },
    ],
    asOfDate: localDateOf(input.actedAt, customer.time_zone),
    portalUrl: `${deps.portal.baseUrl}/${token}`,
    penalties: penaltyLines(invoice.number, balance.currency, claims),
  });

  let providerMessageId: string;
  try {
    ({ providerMessageId } = await mailer.send({
      from: `${deps.company.name} <${deps.company.senderEmail}>`,
      to: [recipient.email],
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      idempotencyKey: input.idempotencyKey,
    }));
  } catch (error) {
    if (error instanceof MailDeliveryError && error.kind === 'invalid_recipient') {
      return recordNotDeliverable(deps, input, recipient.language, error.message, recipient.contactId);
    }
    if (error instanceof MailDeliveryError && error.kind === 'rate_limited') {
      logger.warn({ ...ids, retryAfterSeconds: error.retryAfterSeconds }, 'mail provider rate limit reached; retrying later');
      throw ApplicationFailure.create({
        message: error.message,
        type: 'MailRateLimited',
        nextRetryDelay: error.retryAfterSeconds ? `${error.retryAfterSeconds} seconds` : undefined,
      });
    }
    logger.warn({ ...ids, attempt, error: (error as Error).message }, 'mail provider failed; the activity will retry');
    throw error;
  }

  const sizeBytes = Buffer.byteLength(rendered.html) + Buffer.byteLength(rendered.text);
  const messageId = await sql.begin(async (transaction) => {
    const [message] = await transaction<{ id: string }[]>`
      insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, provider_message_id,
                            language, subject, html, text_body, size_bytes, sent_at)
      values (${input.idempotencyKey}, 'email', ${input.customerId}, ${recipient.contactId},
              ${mailer.provider === 'outbox' ? 'outbox' : 'sent'}, ${mailer.provider}, ${providerMessageId},
              ${recipient.language}, ${rendered.subject}, ${rendered.html}, ${rendered.text}, ${sizeBytes}, ${input.actedAt})
      on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
      returning id`;
    if (!message) throw new Error(`message ${input.idempotencyKey} could not be stored`);
    await transaction`
      insert into message_invoices (message_id, invoice_id, step_key, due_minor)
      values (${message.id}, ${input.invoiceId}, ${input.step.key}, ${balance.dueMinor})
      on conflict do nothing`;
    return message.id;
  });

  if (attempt > 1) await recordDeduplicated(deps, input, { messageId, attempt, reason: 'provider called again with the same idempotency key' });
  await recordCarbonLine(sql, {
    idempotencyKey: input.idempotencyKey,
    workflowId: input.workflowId,
    customerId: input.customerId,
    messageId,
    channel: 'email',
    measure: { bytes: sizeBytes, recipients: 1 },
  });
  logger.info({ ...ids, messageId, provider: mailer.provider }, 'reminder e-mail sent');
  return { outcome: 'sent', messageId };
}

/** The activity's attempt number, or 1 when the step runs outside an activity (an operator's replay). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** Records in the case history that a repeated attempt at a step sent nothing new. */
async function recordDeduplicated(deps: ActivityDeps, input: PerformStepInput, detail: { messageId: string; attempt: number; reason: string }): Promise<void> {
  await deps.sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${input.workflowId}, ${input.invoiceId}, 'step_deduplicated', 'workflow', now(),
            ${deps.sql.json({ stepKey: input.step.key, ...detail } as never)}, null)`;
}

/** Turns an invoice's open claims into the e-mail's penalty line, or none when nothing is claimed. */
function penaltyLines(invoiceNumber: string, currency: string, claims: ClaimLine[]) {
  if (claims.length === 0) return undefined;
  const penalty = claims.find((claim) => claim.kind === 'late_penalties');
  const indemnity = claims.find((claim) => claim.kind === 'recovery_indemnity');
  // TODO: an indemnity in EUR on an invoice in another currency is shown in the invoice currency's line as is.
  return [{ invoiceNumber, currency, penaltyMinor: penalty?.amountMinor ?? 0, indemnityMinor: indemnity?.amountMinor ?? 0 }];
}

/** Records a step that could not reach the customer and opens a task for a collector; the scenario goes on. */
async function recordNotDeliverable(
  deps: ActivityDeps,
  input: PerformStepInput,
  language: 'fr' | 'en',
  reason: string,
  contactId?: string,
): Promise<StepOutcome> {
  const { sql } = deps;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, language, failure_reason, sent_at)
    values (${input.idempotencyKey}, 'email', ${input.customerId}, ${contactId ?? null}, 'not_deliverable', ${deps.mailer.provider}, ${language}, ${reason}, ${input.actedAt})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  await sql`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, data)
    values (${`${input.idempotencyKey}/not-deliverable`}, 'not_deliverable', ${input.workflowId}, ${input.invoiceId}, ${input.customerId},
            ${input.step.key}, ${input.actedAt}, ${sql.json({ channel: 'email', reason } as never)})
    on conflict (idempotency_key) do nothing`;
  deps.logger.warn({ workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key }, 'reminder not deliverable; task opened for a collector');
  return { outcome: 'not_deliverable', messageId: message?.id, detail: reason };
}
