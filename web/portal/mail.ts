import type { Logger } from 'pino';
import { OutboxMailer, ResendMailer, type Mailer } from '../../activities/mailer.js';
import type { Recipient } from '../../activities/recipients.js';
import type { Env } from '../../config/env.js';
import type { Sql } from '../../db/client.js';
import type { RenderedEmail } from '../../emails/rendered-email.js';

// E-mails the portal sends itself (a fresh link, a promise confirmation), through the
// same mailer as the reminders and stored in the messages table like them.

export function createPortalMailer(env: Env): Mailer {
  return env.RESEND_API_KEY ? new ResendMailer(env.RESEND_API_KEY, env.RESEND_BASE_URL) : new OutboxMailer();
}

/**
 * Sends an e-mail once per idempotency key and returns its message id: a key already
 * stored returns the stored message without sending again.
 */
export async function sendPortalEmail(
  deps: { sql: Sql; mailer: Mailer; logger: Logger; senderName: string; senderEmail: string },
  input: { customerId: string; recipient: Recipient; rendered: RenderedEmail; idempotencyKey: string; kind: string },
): Promise<string> {
  const { sql, mailer } = deps;
  const [existing] = await sql<{ id: string }[]>`select id from messages where idempotency_key = ${input.idempotencyKey}`;
  if (existing) return existing.id;

  const { providerMessageId } = await mailer.send({
    from: `${deps.senderName} <${deps.senderEmail}>`,
    to: [input.recipient.email],
    subject: input.rendered.subject,
    html: input.rendered.html,
    text: input.rendered.text,
    idempotencyKey: input.idempotencyKey,
  });
  const sizeBytes = Buffer.byteLength(input.rendered.html) + Buffer.byteLength(input.rendered.text);
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, provider_message_id, language, subject, html, text_body, size_bytes)
    values (${input.idempotencyKey}, 'email', ${input.customerId}, ${input.recipient.contactId}, ${mailer.provider === 'outbox' ? 'outbox' : 'sent'},
            ${mailer.provider}, ${providerMessageId}, ${input.recipient.language}, ${input.rendered.subject}, ${input.rendered.html}, ${input.rendered.text}, ${sizeBytes})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!message) throw new Error(`portal e-mail ${input.kind} could not be stored`);
  deps.logger.info({ customerId: input.customerId, messageId: message.id, provider: mailer.provider, kind: input.kind }, 'portal e-mail sent');
  return message.id;
}
