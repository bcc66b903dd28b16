import { Resend } from 'resend';

export interface OutgoingEmail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Passed to the provider, which then accepts the same message once however often it is sent. */
  idempotencyKey: string;
}

/** An e-mail of a batch request: the request's idempotency key covers the batch, and `idempotencyKey` here names the message alone. */
export type BatchEmail = Omit<OutgoingEmail, 'idempotencyKey'> & { idempotencyKey?: string };

/** Result of one e-mail of a batch: accepted with its provider id, or rejected with the reason. */
export type BatchEmailResult = { accepted: true; providerMessageId: string } | { accepted: false; reason: string };

export interface BatchResult {
  results: BatchEmailResult[];
  /** Provider ids of the accepted e-mails, in the batch's order. */
  providerMessageIds: string[];
}

/** Sends several e-mails in one provider request, with one idempotency key for the whole request. */
export interface BatchMailer {
  sendBatch(emails: BatchEmail[], idempotencyKey: string): Promise<BatchResult>;
}

export interface Mailer {
  readonly provider: 'resend' | 'outbox';
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
  /** The batch side of the mailer; absent when every e-mail goes out in a request of its own. */
  readonly batch?: BatchMailer;
}

/** Why the provider refused a message; `invalid_recipient` is final, the others may pass on retry. */
export class MailDeliveryError extends Error {
  constructor(
    readonly kind: 'invalid_recipient' | 'rate_limited' | 'transient',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

const INVALID_RECIPIENT_ERRORS = new Set(['validation_error', 'invalid_to_address', 'missing_required_field', 'invalid_parameter']);

/** Sends through the Resend SDK; `baseUrl` points it at another server, such as a local fake in tests. */
export class ResendMailer implements Mailer {
  readonly provider = 'resend' as const;
  private readonly client: Resend;

  constructor(apiKey: string, baseUrl?: string) {
    this.client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  }

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const { data, error, headers } = await this.client.emails.send(
      { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text },
      { idempotencyKey: email.idempotencyKey },
    );
    if (data) return { providerMessageId: data.id };

    const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
    const name = error?.name ?? 'unknown_error';
    const detail = `Resend refused the message (${name}${status ? `, HTTP ${status}` : ''}): ${error?.message ?? 'no message'}`;
    if (status === 429 || name === 'rate_limit_exceeded') {
      const retryAfter = Number(headers?.['retry-after']);
      throw new MailDeliveryError('rate_limited', detail, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
    }
    if (status === 422 || (status !== null && status < 500 && INVALID_RECIPIENT_ERRORS.has(name))) {
      throw new MailDeliveryError('invalid_recipient', detail);
    }
    throw new MailDeliveryError('transient', detail);
  }
}

/** Keeps messages in the local outbox (the messages table) instead of sending them: the default without RESEND_API_KEY. */
export class OutboxMailer implements Mailer {
  readonly provider = 'outbox' as const;

  /** Stores a batch as a loop of single stores; an e-mail without its own key is named by the batch key and its position. */
  readonly batch: BatchMailer = {
    sendBatch: async (emails, idempotencyKey) => {
      const results: BatchEmailResult[] = [];
      for (const [index, email] of emails.entries()) {
        results.push({ accepted: true, ...(await this.send({ ...email, idempotencyKey: email.idempotencyKey ?? `${idempotencyKey}/${index}` })) });
      }
      return { results, providerMessageIds: results.flatMap((result) => (result.accepted ? [result.providerMessageId] : [])) };
    },
  };

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    return { providerMessageId: `outbox:${email.idempotencyKey}` };
  }
}
