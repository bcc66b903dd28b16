import { Resend } from 'resend';
import { MailDeliveryError, type BatchEmail, type BatchEmailResult, type BatchMailer, type BatchResult, type Mailer, type OutgoingEmail } from './mailer.js';

// The mail provider's rate limit, kept by the worker before each request instead of
// learnt from 429 responses. Resend's rate-limit page (resend.com/docs/api-reference/rate-limit)
// gave 2 requests per second per team as the default, and later versions give 5, so the
// default of RESEND_RATE_LIMIT_PER_SECOND, 2, stays under either.

/** Maximum e-mails in one POST /emails/batch request, as Resend documents it. */
export const MAX_BATCH_SIZE = 100;

/**
 * A token bucket of `ratePerSecond` tokens a second that keeps at most one token in
 * reserve, so requests leave evenly spaced (500 ms apart at 2 per second) and no
 * one-second window carries more than the limit. A larger reserve would let a burst
 * follow a full second's worth of requests. Takers wait in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`invalid rate limit ${ratePerSecond} requests per second: expected a positive number`);
    this.tokens = 1;
    this.refilledAt = now();
  }

  /** Waits until a request may go out, then spends one token. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Delays every taker until `seconds` from now, the Retry-After of a 429 response, and restarts the bucket empty. */
  pauseFor(seconds: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + seconds * 1000);
    this.tokens = 0;
    this.refilledAt = this.blockedUntil;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.blockedUntil) {
        await sleep(this.blockedUntil - now);
        continue;
      }

      const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
      this.tokens = Math.min(1, this.tokens + elapsedSeconds * this.ratePerSecond);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }
}

/** Sends up to MAX_BATCH_SIZE e-mails in one provider request; the idempotency key covers the whole request. */
export type BatchSender = BatchMailer;

/**
 * Validation mode of a batch request. 'strict' rejects the whole request with 422 when one
 * e-mail is invalid, so nothing is sent; 'permissive' sends the valid e-mails and lists
 * the others with their index (Resend API, x-batch-validation header, since September 2025).
 */
export type BatchValidation = 'strict' | 'permissive';

/** Posts batches to Resend's POST /emails/batch through the SDK; `baseUrl` points it at another server, such as a local fake. */
export class ResendBatchSender implements BatchSender {
  private readonly client: Resend;

  constructor(
    apiKey: string,
    baseUrl?: string,
    private readonly validation: BatchValidation = 'permissive',
  ) {
    this.client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  }

  async sendBatch(emails: BatchEmail[], idempotencyKey: string): Promise<BatchResult> {
    if (emails.length === 0 || emails.length > MAX_BATCH_SIZE) {
      throw new RangeError(`invalid batch of ${emails.length} e-mails: a request carries 1 to ${MAX_BATCH_SIZE}`);
    }
    const payload = emails.map((email) => ({ from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text }));
    const { data, error, headers } = await this.client.batch.send(payload, { idempotencyKey, batchValidation: this.validation });
    if (!data) throw deliveryErrorOf(error, headers);

    // The SDK types `errors` only when the mode is a literal 'permissive', but the response contains it whenever that mode was sent.
    const answer = data as { data: { id: string }[]; errors?: { index: number; message: string }[] };
    const rejected = new Map((answer.errors ?? []).map((entry) => [entry.index, entry.message]));
    return batchResultOf(emails.length, answer.data.map((entry) => entry.id), rejected);
  }
}

/**
 * Matches the provider's response to the batch. Resend lists the ids of the accepted
 * e-mails in order and the rejected ones by index. A response with an id for every
 * e-mail is read position by position.
 */
export function batchResultOf(size: number, acceptedIds: string[], rejected: Map<number, string>): BatchResult {
  const aligned = acceptedIds.length === size;
  if (!aligned && acceptedIds.length !== size - rejected.size) {
    throw new MailDeliveryError(
      'transient',
      `Resend answered a batch of ${size} e-mails with ${acceptedIds.length} ids and ${rejected.size} errors: the ids cannot be matched to the e-mails; retry with the same idempotency key`,
    );
  }

  const results: BatchEmailResult[] = [];
  let next = 0;
  for (let index = 0; index < size; index += 1) {
    const reason = rejected.get(index);
    if (reason !== undefined) {
      results.push({ accepted: false, reason });
      if (aligned) next += 1;
      continue;
    }
    results.push({ accepted: true, providerMessageId: acceptedIds[next] as string });
    next += 1;
  }
  return { results, providerMessageIds: results.flatMap((result) => (result.accepted ? [result.providerMessageId] : [])) };
}

/** Maps a Resend error response to a MailDeliveryError the way ResendMailer does for single sends. */
export function deliveryErrorOf(
  error: { name?: string; message?: string; statusCode?: number | null } | null,
  headers: Record<string, string> | null,
): MailDeliveryError {
  const status = error?.statusCode ?? null;
  const name = error?.name ?? 'unknown_error';
  const detail = `Resend rejected the request (${name}${status ? `, HTTP ${status}` : ''}): ${error?.message ?? 'no message'}`;
  if (status === 429 || name === 'rate_limit_exceeded') {
    const retryAfter = Number(headers?.['retry-after']);
    return new MailDeliveryError('rate_limited', detail, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  if (status === 422) return new MailDeliveryError('invalid_recipient', detail);
  return new MailDeliveryError('transient', detail);
}

export interface RateLimitedMailerOptions {
  /** Requests per second shared by every send of this process: RESEND_RATE_LIMIT_PER_SECOND. */
  ratePerSecond: number;
  /** A request without a response after this many milliseconds fails as transient, and the retry reuses its idempotency key. */
  timeoutMs?: number;
  /** Sends batches through POST /emails/batch; without it the mailer has no batch side and each e-mail goes alone. */
  batchSender?: BatchSender;
}

/**
 * Wraps a Mailer so that its sends keep the provider's rate limit. A 429 answer holds
 * every later send for its Retry-After and is thrown again, so that the e-mail step turns
 * it into the activity's next retry delay.
 */
export class RateLimitedMailer implements Mailer {
  readonly provider: Mailer['provider'];
  readonly bucket: TokenBucket;
  readonly batch?: BatchMailer;
  private readonly timeoutMs: number;

  constructor(
    private readonly inner: Mailer,
    private readonly options: RateLimitedMailerOptions,
  ) {
    this.provider = inner.provider;
    this.bucket = new TokenBucket(options.ratePerSecond);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const sender = options.batchSender;
    if (sender) this.batch = { sendBatch: (emails, idempotencyKey) => this.request(() => sender.sendBatch(emails, idempotencyKey), idempotencyKey) };
  }

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    return this.request(() => this.inner.send(email), email.idempotencyKey);
  }

  /**
   * Sends a burst of e-mails in requests of up to 100 through POST /emails/batch, one
   * token per request. Request `n` carries the idempotency key `${idempotencyKey}/batch/${n}`,
   * so a retried burst sends nothing twice. Returns each e-mail's result in the input order.
   */
  async sendBatch(emails: BatchEmail[], idempotencyKey: string): Promise<BatchResult> {
    const batch = this.batch;
    if (!batch) throw new Error('sendBatch needs a batchSender: pass a ResendBatchSender in the RateLimitedMailer options');

    const results: BatchEmailResult[] = [];
    for (let start = 0, part = 0; start < emails.length; start += MAX_BATCH_SIZE, part += 1) {
      const chunk = emails.slice(start, start + MAX_BATCH_SIZE);
      results.push(...(await batch.sendBatch(chunk, `${idempotencyKey}/batch/${part}`)).results);
    }
    return { results, providerMessageIds: results.flatMap((result) => (result.accepted ? [result.providerMessageId] : [])) };
  }

  private async request<T>(call: () => Promise<T>, idempotencyKey: string): Promise<T> {
    await this.bucket.take();

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new MailDeliveryError('transient', `mail provider request ${idempotencyKey} timed out after ${this.timeoutMs} ms: retry with the same idempotency key`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      if (error instanceof MailDeliveryError && error.kind === 'rate_limited') this.bucket.pauseFor(error.retryAfterSeconds ?? 1);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
