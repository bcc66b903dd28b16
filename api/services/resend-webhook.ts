import { WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Sql } from '../../db/client.js';
import type { TemporalHandle } from '../temporal.js';

// Resend's delivery events. A hard bounce or a spam complaint suppresses the address, so
// no later reminder goes to it: the next step picks another contact or records the step
// as not deliverable with a task for a person.

export const resendEventSchema = z.object({
  type: z.string().min(1),
  created_at: z.string().optional(),
  data: z
    .object({
      email_id: z.string().optional(),
      to: z.union([z.array(z.string()), z.string()]).optional(),
      bounce: z.object({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).partial().optional(),
    })
    .loose(),
});
export type ResendEvent = z.infer<typeof resendEventSchema>;

export interface WebhookResult {
  duplicate: boolean;
  type: string;
  /** Contacts whose address this event suppressed. */
  suppressedContacts: number;
  /** Running cases signalled contactChanged. */
  signalledCases: number;
}

/** Whether an event means the address must not be used again. Resend sends email.bounced for permanent rejections only; a bounce typed Transient is kept as a safeguard. */
function suppressionOf(event: ResendEvent): { status: 'bounced' | 'complained'; reason: string } | null {
  if (event.type === 'email.complained') return { status: 'complained', reason: 'spam complaint' };
  if (event.type === 'email.bounced' && event.data.bounce?.type?.toLowerCase() !== 'transient') {
    const detail = [event.data.bounce?.type, event.data.bounce?.subType].filter(Boolean).join('/');
    return { status: 'bounced', reason: `hard bounce${detail ? ` (${detail})` : ''}` };
  }
  return null;
}

/**
 * Processes one webhook delivery once per svix-id: suppresses the bounced or complaining
 * address on every contact that has it, marks the message, writes a case event for each
 * invoice the message carried, then signals contactChanged to the open cases concerned.
 */
export async function processResendEvent(sql: Sql, temporal: TemporalHandle, logger: Logger, deliveryId: string, event: ResendEvent): Promise<WebhookResult> {
  const suppression = suppressionOf(event);
  const occurredAt = event.created_at && !Number.isNaN(Date.parse(event.created_at)) ? new Date(event.created_at).toISOString() : new Date().toISOString();

  const outcome = await sql.begin(async (transaction) => {
    const inserted = await transaction`
      insert into provider_webhook_events (provider, delivery_id, event_type, payload)
      values ('resend', ${deliveryId}, ${event.type}, ${transaction.json(event as never)})
      on conflict do nothing
      returning delivery_id`;
    if (inserted.length === 0) return { duplicate: true, suppressed: 0, workflowIds: [] as string[], bounces: [] as { workflowId: string; stepKey: string }[], kind: null };
    if (!suppression) return { duplicate: false, suppressed: 0, workflowIds: [] as string[], bounces: [] as { workflowId: string; stepKey: string }[], kind: null };

    const recipients = event.data.to ?? [];
    const addresses = (Array.isArray(recipients) ? recipients : [recipients]).map((address) => address.trim().toLowerCase());
    const contacts = await transaction<{ id: string; customer_id: string }[]>`
      update contacts set email_suppressed_at = coalesce(email_suppressed_at, ${occurredAt}), email_suppression_reason = ${suppression.reason}
      where lower(email) = any(${addresses})
      returning id, customer_id`;

    const [message] = event.data.email_id
      ? await transaction<{ id: string }[]>`
          update messages set status = ${suppression.status}, failure_reason = ${suppression.reason}
          where provider = 'resend' and provider_message_id = ${event.data.email_id}
          returning id`
      : [];
    const carried = message
      ? await transaction<{ invoice_id: string; workflow_id: string | null; step_key: string }[]>`
          select mi.invoice_id, c.workflow_id, mi.step_key from message_invoices mi left join cases c on c.invoice_id = mi.invoice_id
          where mi.message_id = ${message.id}`
      : [];
    for (const invoice of carried) {
      if (!invoice.workflow_id) continue;
      await transaction`
        insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
        values (${invoice.workflow_id}, ${invoice.invoice_id}, ${`email_${suppression.status}`}, 'provider', ${occurredAt},
                ${transaction.json({ messageId: message?.id ?? null, reason: suppression.reason, contactIds: contacts.map((contact) => contact.id), deliveryId } as never)},
                ${`webhook/resend/${deliveryId}/${invoice.invoice_id}`})
        on conflict (idempotency_key) do nothing`;
    }

    const customerIds = [...new Set(contacts.map((contact) => contact.customer_id))];
    const invoiceIds = carried.map((invoice) => invoice.invoice_id);
    const open = await transaction<{ workflow_id: string }[]>`
      select workflow_id from cases
      where terminal_state is null and (invoice_id = any(${invoiceIds}::uuid[]) or customer_id = any(${customerIds}::uuid[]))`;
    const bounces = carried.flatMap((invoice) => (invoice.workflow_id ? [{ workflowId: invoice.workflow_id, stepKey: invoice.step_key }] : []));
    return { duplicate: false, suppressed: contacts.length, workflowIds: open.map((row) => row.workflow_id), bounces, kind: suppression.status };
  });

  // The cases whose step the message carried may send it again on the scenario's fallback channel.
  for (const bounce of outcome.bounces) {
    try {
      await temporal.client.workflow.getHandle(bounce.workflowId).signal('emailBounced', { stepKey: bounce.stepKey, kind: outcome.kind === 'complained' ? 'complained' : 'bounced' });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) continue;
      logger.warn({ workflowId: bounce.workflowId, deliveryId, error: (error as Error).message }, 'emailBounced signal failed; the step gets no fallback');
    }
  }

  let signalled = 0;
  for (const workflowId of outcome.workflowIds) {
    try {
      await temporal.client.workflow.getHandle(workflowId).signal('contactChanged');
      signalled += 1;
    } catch (error) {
      // A case that ended meanwhile needs no signal; any other case re-reads its contacts before its next step.
      if (error instanceof WorkflowNotFoundError) continue;
      logger.warn({ workflowId, deliveryId, error: (error as Error).message }, 'contactChanged signal failed; the case reads the contacts at its next step');
    }
  }

  return { duplicate: outcome.duplicate, type: event.type, suppressedContacts: outcome.suppressed, signalledCases: signalled };
}
