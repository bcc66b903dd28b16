import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ResendMailer, type BatchMailer, type Mailer, type OutgoingEmail } from '../../activities/mailer.js';
import { RateLimitedMailer, ResendBatchSender, type BatchValidation } from '../../activities/resend-rate.js';
import { createEngine, PLAN_P1, waitFor, type Engine } from '../support/engine.js';
import { FakeResend } from '../support/fake-resend.js';

// Batches of reminder e-mails when the provider fails, rate-limits, or rejects one
// address. Twelve customers each have one invoice whose R1 falls due on 2025-06-23 at
// 09:00 Paris (07:00Z), so their twelve e-mails leave in one batch.

const CUSTOMERS = 12;

let engine: Engine;
let fake: FakeResend;

beforeEach(async () => {
  fake = await FakeResend.start();
});

afterEach(async () => {
  await engine.close();
  await fake.close();
});

/** Passes each batch to the provider, then fails the first call as a worker lost before it reports success would. */
class CrashAfterBatchMailer implements Mailer {
  readonly provider = 'resend' as const;
  readonly batch: BatchMailer;
  private crashed = false;

  constructor(private readonly inner: Mailer) {
    const innerBatch = inner.batch;
    if (!innerBatch) throw new Error('the wrapped mailer has no batch side: give it a batchSender');
    this.batch = {
      sendBatch: async (emails, idempotencyKey) => {
        const result = await innerBatch.sendBatch(emails, idempotencyKey);
        if (!this.crashed) {
          this.crashed = true;
          throw new Error('worker lost after the provider accepted the batch');
        }
        return result;
      },
    };
  }

  send(email: OutgoingEmail) {
    return this.inner.send(email);
  }
}

function resendMailer(validation: BatchValidation = 'permissive'): Mailer {
  return new RateLimitedMailer(new ResendMailer('re_test', fake.url), { ratePerSecond: 2, batchSender: new ResendBatchSender('re_test', fake.url, validation) });
}

async function startEngine(mailer: Mailer): Promise<void> {
  engine = await createEngine({ startTime: '2025-06-18T08:00:00Z', mailer });
  await engine.scenario(PLAN_P1);
}

function addressOf(index: number): string {
  return `ap-f${String(index).padStart(3, '0')}@batch.example`;
}

/** Creates the customers with one 100.00 EUR invoice each, due 2025-06-18; returns the invoice ids in order. */
async function seedCustomers(): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < CUSTOMERS; index += 1) {
    const ref = `F${String(index).padStart(3, '0')}`;
    await engine.customer({ externalRef: ref, name: `Failure ${ref} SAS`, scenarioId: 'p1', contacts: [{ role: 'invoicing', email: addressOf(index) }] });
    ids.push((await engine.invoice({ customerRef: ref, number: `INV-${ref}`, currency: 'EUR', totalMinor: 10_000, issueDate: '2025-05-19', dueDate: '2025-06-18' })).id);
  }
  return ids;
}

/** Starts the cases, lets R1 fall due, then waits in real time until every e-mail left the queue and every case recorded its R1. */
async function runR1(ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => engine.startCase(id)));
  await engine.sleepUntil('2025-06-23T07:00:05Z');
  await waitFor(
    async () => {
      const [row] = await engine.db.sql<{ count: number }[]>`select count(*)::int as count from messages where status <> 'queued'`;
      return (row?.count ?? 0) >= ids.length ? true : undefined;
    },
    `${ids.length} e-mails out of the queue`,
    90_000,
  );
  for (const id of ids) {
    await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), `R1 of invoice ${id} in its case`);
  }
}

async function messages() {
  return engine.db.sql<{ id: string; status: string; provider_message_id: string | null; recipients: string[]; lines: number }[]>`
    select m.id, m.status, m.provider_message_id, m.recipients, (select count(*)::int from message_invoices mi where mi.message_id = m.id) as lines
    from messages m order by m.recipients[1]`;
}

describe('batch retries', () => {
  test('500 then 429 sends once', async () => {
    fake.answerNext({ kind: 'server_error' }, { kind: 'rate_limited', retryAfterSeconds: 1 });
    await startEngine(resendMailer());
    const ids = await seedCustomers();

    await engine.run(async () => {
      await runR1(ids);

      for (const id of ids) {
        expect((await engine.state(id)).steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'sent' });
      }
    });

    const batches = fake.batchRequests();
    expect(batches.map((request) => request.status)).toEqual([500, 429, 200]);
    // The retry after the 429 waits for its Retry-After of 1 s.
    expect((batches[2]?.receivedAt ?? 0) - (batches[1]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(new Set(batches.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(batches.map((request) => request.body)).toEqual([batches[0]?.body, batches[0]?.body, batches[0]?.body]);
    expect(fake.emailRequests()).toHaveLength(0);
    const delivered = fake.deliveredRecipients().sort();
    expect(delivered).toEqual(Array.from({ length: CUSTOMERS }, (_unused, index) => addressOf(index)));

    const stored = await messages();
    expect(stored.map((message) => message.status)).toEqual(Array.from({ length: CUSTOMERS }, () => 'sent'));
  }, 180_000);

  test('retry after acceptance sends nothing', async () => {
    await startEngine(new CrashAfterBatchMailer(resendMailer()));
    const ids = await seedCustomers();

    await engine.run(() => runR1(ids));

    const batches = fake.batchRequests();
    expect(batches).toHaveLength(2);
    expect(batches[1]?.idempotencyKey).toBe(batches[0]?.idempotencyKey);
    expect(batches.map((request) => request.status)).toEqual([200, 200]);
    expect(batches.map((request) => request.replayed)).toEqual([false, true]);
    expect(fake.deliveredRecipients()).toHaveLength(CUSTOMERS);
    expect(new Set(fake.deliveredRecipients()).size).toBe(CUSTOMERS);

    // The messages keep the provider ids of the first, accepted request.
    const firstIds = ((batches[0]?.answer as { data: { id: string }[] }).data ?? []).map((entry) => entry.id).sort();
    const stored = await messages();
    expect(stored.map((message) => message.provider_message_id).sort()).toEqual(firstIds);
    expect(stored.every((message) => message.status === 'sent')).toBe(true);

    const deduplicated = await engine.db.sql<{ invoice_id: string; attempt: number }[]>`
      select invoice_id, (data->>'attempt')::int as attempt from case_events where type = 'step_deduplicated'`;
    expect(deduplicated).toHaveLength(CUSTOMERS);
    expect(deduplicated.every((event) => event.attempt === 2)).toBe(true);
    expect(new Set(deduplicated.map((event) => event.invoice_id))).toEqual(new Set(ids));
    const [carbon] = await engine.db.sql<{ count: number }[]>`select count(*)::int as count from carbon_ledger where channel = 'email'`;
    expect(carbon?.count).toBe(CUSTOMERS);
  }, 180_000);
});

describe('invalid address inside a batch', () => {
  test.each(['permissive', 'strict'] as const)('%s validation spares the others', async (validation) => {
    const invalid = 5;
    fake.rejectAddress(addressOf(invalid));
    await startEngine(resendMailer(validation));
    const ids = await seedCustomers();
    const invalidInvoice = ids[invalid] as string;

    await engine.run(async () => {
      await runR1(ids);

      const state = await engine.state(invalidInvoice);
      expect(state.steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'not_deliverable' });
      expect(state.status).toBe('active');
      expect(state.nextStep?.stepKey).toBe('r2');
      for (const id of ids.filter((other) => other !== invalidInvoice)) {
        expect((await engine.state(id)).steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'sent' });
      }
    });

    const batches = fake.batchRequests();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.batchValidation).toBe(validation);
    const singles = fake.emailRequests();
    if (validation === 'permissive') {
      expect(batches[0]?.status).toBe(200);
      expect(singles).toHaveLength(0);
    } else {
      expect(batches[0]?.status).toBe(422);
      expect(singles).toHaveLength(CUSTOMERS);
      expect(singles.filter((request) => request.status === 422)).toHaveLength(1);
      expect(new Set(singles.map((request) => request.idempotencyKey)).size).toBe(CUSTOMERS);
    }
    const delivered = fake.deliveredRecipients();
    expect(delivered).toHaveLength(CUSTOMERS - 1);
    expect(new Set(delivered).size).toBe(CUSTOMERS - 1);
    expect(delivered).not.toContain(addressOf(invalid));

    const stored = await messages();
    const rejected = stored.filter((message) => message.recipients.includes(addressOf(invalid)));
    expect(rejected.map((message) => [message.status, message.lines])).toEqual([['not_deliverable', 0]]);
    expect(stored.filter((message) => message.status === 'sent')).toHaveLength(CUSTOMERS - 1);
    const tasks = await engine.db.sql<{ kind: string; invoice_id: string; step_key: string }[]>`select kind, invoice_id, step_key from tasks`;
    expect(tasks).toEqual([{ kind: 'not_deliverable', invoice_id: invalidInvoice, step_key: 'r1' }]);
  }, 180_000);
});
