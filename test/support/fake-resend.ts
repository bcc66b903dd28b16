// A fake of the Resend HTTP API on 127.0.0.1 for tests. It records every request with its
// Idempotency-Key header, responds like Resend, deduplicates by Idempotency-Key, and can be
// set to reject an address, rate-limit, fail or hang.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  authorization: string | null;
  body: unknown;
  receivedAt: number;
  /** HTTP status of the fake's response. */
  status: number;
  /** The x-batch-validation header of a batch request: 'strict' (the default) or 'permissive'. */
  batchValidation: string | null;
  /** True when the response was replayed from an earlier request with the same idempotency key, so nothing was sent again. */
  replayed: boolean;
  /** The JSON body of the fake's response. */
  answer: unknown;
}

/** One scripted response, which the next request to POST /emails or /emails/batch gets instead of the normal one. */
export type ScriptedAnswer =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'server_error' }
  | { kind: 'hang'; milliseconds: number };

interface EmailPayload {
  to?: string | string[];
  subject?: string;
}

/** Maximum e-mails in one POST /emails/batch, as Resend documents it. */
const MAX_BATCH_SIZE = 100;

export class FakeResend {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly script: ScriptedAnswer[] = [];
  private readonly rejectedAddresses = new Set<string>();
  private readonly idempotentAnswers = new Map<string, { bodyText: string; answer: unknown }>();
  private rateLimitPerSecond: number | null = null;

  private constructor() {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  /** Starts a fake on a free port of 127.0.0.1. */
  static async start(): Promise<FakeResend> {
    const fake = new FakeResend();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL to pass to the Resend SDK, for example http://127.0.0.1:41234. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Responds 422 validation_error, as Resend does for an invalid recipient, to every e-mail sent to `address`. */
  rejectAddress(address: string): void {
    this.rejectedAddresses.add(address.toLowerCase());
  }

  /** Queues answers for the next requests, in order; a request without a scripted answer gets the normal one. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Answers 429 to any request beyond `perSecond` within the last second, like the provider's own limit. */
  enforceRateLimit(perSecond: number): void {
    this.rateLimitPerSecond = perSecond;
  }

  /** Requests to POST /emails, in arrival order. */
  emailRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/emails');
  }

  /** Requests to POST /emails/batch, in arrival order. */
  batchRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/emails/batch');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const bodyText = await readBody(request);
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0] ?? '/',
      idempotencyKey: headerOf(request, 'idempotency-key'),
      authorization: headerOf(request, 'authorization'),
      body: parseJson(bodyText),
      receivedAt: Date.now(),
      status: 0,
      batchValidation: headerOf(request, 'x-batch-validation'),
      replayed: false,
      answer: null,
    };
    this.requests.push(record);

    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.answer = answer;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(answer));
    };

    if (record.method !== 'POST' || (record.path !== '/emails' && record.path !== '/emails/batch')) {
      return send(404, { statusCode: 404, name: 'not_found', message: `no route ${record.method} ${record.path}` });
    }
    if (!record.authorization?.startsWith('Bearer ')) {
      return send(401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header' });
    }

    // Arrival times jitter by a few milliseconds on the loopback, so the window is 950 ms.
    const windowStart = record.receivedAt - 950;
    const recent = this.requests.filter((other) => other !== record && other.receivedAt > windowStart && other.status !== 429).length;
    if (this.rateLimitPerSecond !== null && recent >= this.rateLimitPerSecond) {
      return send(429, { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests. You can only make 2 requests per second.' }, { 'retry-after': '1' });
    }

    const scripted = this.script.shift();
    if (scripted?.kind === 'rate_limited') {
      return send(
        429,
        { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests. You can only make 2 requests per second.' },
        { 'retry-after': String(scripted.retryAfterSeconds) },
      );
    }
    if (scripted?.kind === 'server_error') {
      return send(500, { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' });
    }
    if (scripted?.kind === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, scripted.milliseconds));
      if (response.destroyed) return;
    }

    if (record.idempotencyKey) {
      const earlier = this.idempotentAnswers.get(`${record.path} ${record.idempotencyKey}`);
      if (earlier && earlier.bodyText !== bodyText) {
        return send(409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' });
      }
      if (earlier) {
        record.replayed = true;
        return send(200, earlier.answer);
      }
    }

    const isBatch = record.path === '/emails/batch';
    const emails = isBatch ? record.body : [record.body];
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > MAX_BATCH_SIZE) {
      return send(422, { statusCode: 422, name: 'validation_error', message: `a batch carries 1 to ${MAX_BATCH_SIZE} e-mails` });
    }
    // Permissive validation sends the valid e-mails and lists the others by index; strict rejects the whole request.
    const permissive = isBatch && record.batchValidation === 'permissive';
    const errors: { index: number; message: string }[] = [];
    for (const [index, email] of (emails as EmailPayload[]).entries()) {
      const recipients = Array.isArray(email.to) ? email.to : [email.to];
      const rejected = recipients.find((address) => typeof address !== 'string' || this.rejectedAddresses.has(address.toLowerCase()));
      if (rejected === undefined && email.subject) continue;
      const message = 'Invalid `to` field. The email address needs to follow the `email@example.com` format.';
      if (!permissive) return send(422, { statusCode: 422, name: 'validation_error', message });
      errors.push({ index, message });
    }

    const accepted = (emails as EmailPayload[]).filter((_email, index) => !errors.some((error) => error.index === index));
    const answer = isBatch ? { data: accepted.map(() => ({ id: randomUUID() })), ...(permissive ? { errors } : {}) } : { id: randomUUID() };
    if (record.idempotencyKey) this.idempotentAnswers.set(`${record.path} ${record.idempotencyKey}`, { bodyText, answer });
    return send(200, answer);
  }

  /**
   * Returns the recipients of the e-mails the fake accepted, leaving out responses replayed
   * from its idempotency cache: one entry per e-mail sent, so a recipient listed twice got two e-mails.
   */
  deliveredRecipients(): string[] {
    const delivered: string[] = [];
    for (const request of this.requests) {
      if (request.status !== 200 || request.replayed) continue;
      const emails = (request.path === '/emails/batch' ? request.body : [request.body]) as EmailPayload[];
      const { errors } = (request.answer ?? {}) as { errors?: { index: number }[] };
      for (const [index, email] of emails.entries()) {
        if (errors?.some((error) => error.index === index)) continue;
        delivered.push(...(Array.isArray(email.to) ? email.to : [email.to ?? '']));
      }
    }
    return delivered;
  }
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
