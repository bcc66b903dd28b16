import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MailDeliveryError, ResendMailer, type OutgoingEmail } from '../../activities/mailer.js';
import { RateLimitedMailer, ResendBatchSender, TokenBucket } from '../../activities/resend-rate.js';
import { FakeResend } from '../support/fake-resend.js';

// The worker's sends against a fake Resend on 127.0.0.1: the token bucket keeps the
// provider's 2 requests per second, a 429 delays later sends, bursts go in batches of 100.

let fake: FakeResend;

beforeEach(async () => {
  fake = await FakeResend.start();
});

afterEach(async () => {
  await fake.close();
});

function email(index: number): OutgoingEmail {
  return {
    from: 'Relance Demo SAS <relances@relance.invalid>',
    to: [`ap${index}@customer.example`],
    subject: `Rappel : facture INV-${index} en attente de règlement`,
    html: `<p>INV-${index}</p>`,
    text: `INV-${index}`,
    idempotencyKey: `dunning-case-test/step/r${index}`,
  };
}

function mailer(options: { timeoutMs?: number } = {}): RateLimitedMailer {
  return new RateLimitedMailer(new ResendMailer('re_test', fake.url), {
    ratePerSecond: 2,
    batchSender: new ResendBatchSender('re_test', fake.url),
    ...options,
  });
}

describe('rate-limited mailer', () => {
  test('keeps two requests per second', async () => {
    fake.enforceRateLimit(2);
    const limited = mailer();
    // The first request opens the connection and arrives late; measure the sends after it.
    await limited.send(email(9));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    fake.requests.length = 0;
    const started = Date.now();

    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => limited.send(email(index))));

    expect(results).toHaveLength(6);
    expect(fake.emailRequests().map((request) => request.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    const times = fake.emailRequests().map((request) => request.receivedAt);
    for (const time of times) {
      expect(times.filter((other) => other >= time && other < time + 950).length).toBeLessThanOrEqual(2);
    }
  });

  test('429 delays every later send', async () => {
    const limited = mailer();
    fake.answerNext({ kind: 'rate_limited', retryAfterSeconds: 2 });

    const refused = await limited.send(email(1)).catch((error: unknown) => error);
    const afterRefusal = Date.now();
    await limited.send(email(2));

    expect(refused).toBeInstanceOf(MailDeliveryError);
    expect((refused as MailDeliveryError).kind).toBe('rate_limited');
    expect((refused as MailDeliveryError).retryAfterSeconds).toBe(2);
    const [, second] = fake.emailRequests();
    expect(second?.receivedAt ?? 0).toBeGreaterThanOrEqual(afterRefusal + 1900);
  });

  test('same idempotency key sends once', async () => {
    const limited = mailer();

    const first = await limited.send(email(7));
    const second = await limited.send(email(7));

    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(fake.emailRequests().map((request) => request.idempotencyKey)).toEqual(['dunning-case-test/step/r7', 'dunning-case-test/step/r7']);
  });

  test('invalid address is a final error', async () => {
    const limited = mailer();
    fake.rejectAddress('ap3@customer.example');

    const refused = await limited.send(email(3)).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(MailDeliveryError);
    expect((refused as MailDeliveryError).kind).toBe('invalid_recipient');
    expect(fake.emailRequests()).toHaveLength(1);
  });

  test('server error is transient', async () => {
    const limited = mailer();
    fake.answerNext({ kind: 'server_error' });

    const refused = await limited.send(email(4)).catch((error: unknown) => error);

    expect((refused as MailDeliveryError).kind).toBe('transient');
  });

  test('hanging provider times out', async () => {
    const limited = mailer({ timeoutMs: 300 });
    fake.answerNext({ kind: 'hang', milliseconds: 1500 });

    const refused = await limited.send(email(5)).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(MailDeliveryError);
    expect((refused as MailDeliveryError).kind).toBe('transient');
    expect((refused as Error).message).toContain('timed out after 300 ms');
  });

  test('burst goes in batches of 100', async () => {
    const limited = mailer();
    const burst = Array.from({ length: 150 }, (_unused, index) => {
      const { idempotencyKey: _key, ...rest } = email(index);
      return rest;
    });

    const { providerMessageIds } = await limited.sendBatch(burst, 'courtesy/2025-06-13');
    const again = await limited.sendBatch(burst, 'courtesy/2025-06-13');

    const batches = fake.batchRequests();
    expect(batches).toHaveLength(4);
    expect(batches.map((request) => request.idempotencyKey)).toEqual(['courtesy/2025-06-13/batch/0', 'courtesy/2025-06-13/batch/1', 'courtesy/2025-06-13/batch/0', 'courtesy/2025-06-13/batch/1']);
    expect(batches.map((request) => (request.body as unknown[]).length)).toEqual([100, 50, 100, 50]);
    expect(new Set(providerMessageIds).size).toBe(150);
    expect(again.providerMessageIds).toEqual(providerMessageIds);
    expect(fake.emailRequests()).toHaveLength(0);
  });
});

describe('token bucket', () => {
  test('refills at the configured rate', async () => {
    let now = 0;
    const bucket = new TokenBucket(2, () => now);

    await bucket.take();
    let third = false;
    const pending = bucket.take().then(() => {
      third = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(third).toBe(false);

    now = 500;
    await pending;
    expect(third).toBe(true);
  });

  test('rejects a rate of zero', () => {
    expect(() => new TokenBucket(0)).toThrow('invalid rate limit 0 requests per second');
  });
});
