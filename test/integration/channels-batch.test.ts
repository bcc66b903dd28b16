import { afterEach, describe, expect, test } from 'vitest';
import { OutboxMailer, ResendMailer, type Mailer } from '../../activities/mailer.js';
import { RateLimitedMailer, ResendBatchSender } from '../../activities/resend-rate.js';
import { customerMailboxWorkflowId, dunningCaseWorkflowId, emailDispatchWorkflowId } from '../../domain/ids.js';
import { dispatchTaskQueueOf } from '../../worker/worker-pair.js';
import { createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../support/engine.js';
import { FakeResend } from '../support/fake-resend.js';
import { recordHistory } from '../support/histories.js';

// Reminder bursts through POST /emails/batch. Every customer's R1 falls due on 2025-06-23
// at 09:00 Paris (07:00Z), in one send slot: each mailbox queues its customer's e-mail and
// hands it to the slot's dispatcher, which sends up to 100 e-mails a request.

const R1_AT = '2025-06-23T07:00:00Z';

let engine: Engine;
let fake: FakeResend | undefined;

afterEach(async () => {
  await engine.close();
  await fake?.close();
  fake = undefined;
});

async function startEngine(mailer?: Mailer): Promise<void> {
  engine = await createEngine({ startTime: '2025-06-18T08:00:00Z', ...(mailer ? { mailer } : {}) });
  await engine.scenario(PLAN_P1);
}

/** Builds the mailer as the worker does with RESEND_API_KEY set, pointed at the fake. */
function resendMailer(target: FakeResend): Mailer {
  return new RateLimitedMailer(new ResendMailer('re_test', target.url), { ratePerSecond: 2, batchSender: new ResendBatchSender('re_test', target.url) });
}

/** Creates `count` customers with one 100.00 EUR invoice each, due 2025-06-18; returns the invoice ids in order. */
async function seedCustomers(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const ref = `B${String(index).padStart(3, '0')}`;
    await engine.customer({ externalRef: ref, name: `Batch ${ref} SAS`, scenarioId: 'p1', contacts: [{ role: 'invoicing', email: `ap-${ref.toLowerCase()}@batch.example` }] });
    ids.push((await engine.invoice({ customerRef: ref, number: `INV-${ref}`, currency: 'EUR', totalMinor: 10_000, issueDate: '2025-05-19', dueDate: '2025-06-18' })).id);
  }
  return ids;
}

async function startCases(ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 10) {
    await Promise.all(ids.slice(start, start + 10).map((id) => engine.startCase(id)));
  }
}

/** Lets R1 fall due, then waits in real time until `messages` e-mails left the queue and every case recorded its R1. */
async function runR1(ids: string[], messages: number, timeoutMs = 120_000): Promise<void> {
  await engine.sleepUntil('2025-06-23T07:00:05Z');
  await waitFor(
    async () => {
      const [row] = await engine.db.sql<{ count: number }[]>`select count(*)::int as count from messages where status <> 'queued'`;
      return (row?.count ?? 0) >= messages ? true : undefined;
    },
    `${messages} e-mails sent`,
    timeoutMs,
  );
  for (const id of ids) {
    await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), `R1 of invoice ${id} in its case`);
  }
}

async function messagesOf(invoiceIds: string[]) {
  return engine.db.sql<{ id: string; status: string; provider_message_id: string | null; batch_key: string | null; invoice_id: string; sent_at: Date }[]>`
    select m.id, m.status, m.provider_message_id, m.batch_key, mi.invoice_id, m.sent_at
    from messages m join message_invoices mi on mi.message_id = m.id
    where mi.invoice_id in ${engine.db.sql(invoiceIds)}`;
}

describe('reminder bursts in batches', () => {
  test('150 reminders make two batches', async () => {
    fake = await FakeResend.start();
    await startEngine(resendMailer(fake));
    const ids = await seedCustomers(150);

    await engine.run(async () => {
      await startCases(ids);
      await runR1(ids, 150, 240_000);

      const messages = await messagesOf(ids);
      const messageOf = new Map(messages.map((message) => [message.invoice_id, message.id]));
      for (const id of ids) {
        const state = await engine.state(id);
        expect(state.steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'sent', messageId: messageOf.get(id) });
      }
    });

    const batches = fake.batchRequests();
    expect(batches.map((request) => (request.body as unknown[]).length).sort((left, right) => left - right)).toEqual([50, 100]);
    expect(batches.map((request) => request.status)).toEqual([200, 200]);
    expect(new Set(batches.map((request) => request.idempotencyKey)).size).toBe(2);
    expect(fake.emailRequests()).toHaveLength(0);
    const delivered = fake.deliveredRecipients();
    expect(delivered).toHaveLength(150);
    expect(new Set(delivered).size).toBe(150);

    const messages = await messagesOf(ids);
    expect(messages).toHaveLength(150);
    expect(new Set(messages.map((message) => message.id)).size).toBe(150);
    expect(messages.every((message) => message.status === 'sent')).toBe(true);
    expect(messages.every((message) => message.provider_message_id !== null)).toBe(true);
    expect(messages.every((message) => message.sent_at.getTime() >= Date.parse(R1_AT))).toBe(true);
    expect(new Set(messages.map((message) => message.batch_key)).size).toBe(2);
    const carbon = await engine.db.sql<{ message_id: string }[]>`
      select message_id from carbon_ledger where message_id in ${engine.db.sql(messages.map((message) => message.id))}`;
    expect(carbon).toHaveLength(150);
    expect(new Set(carbon.map((line) => line.message_id)).size).toBe(150);
  }, 300_000);

  test('one e-mail per customer in a batch', async () => {
    fake = await FakeResend.start();
    await startEngine(resendMailer(fake));
    const epsilon = await engine.customer({ externalRef: 'EPSILON', name: 'Epsilon SL', language: 'en', scenarioId: 'p1', contacts: [{ role: 'accounts_payable', email: 'cuentas@epsilon.example' }] });
    const grouped: string[] = [];
    for (const [number, totalMinor] of [['INV-5001', 10_000], ['INV-5002', 25_050], ['INV-5003', 60_000]] as const) {
      grouped.push((await engine.invoice({ customerRef: 'EPSILON', number, currency: 'EUR', totalMinor, issueDate: '2025-05-19', dueDate: '2025-06-18' })).id);
    }
    const others = await seedCustomers(2);
    const ids = [...grouped, ...others];

    await engine.run(async () => {
      await startCases(ids);
      await runR1(ids, 3);

      const messageIds = new Set(await Promise.all(grouped.map(async (id) => (await engine.state(id)).steps[0]?.messageId)));
      expect(messageIds.size).toBe(1);

      const mailbox = engine.env.client.workflow.getHandle(customerMailboxWorkflowId(epsilon.id, R1_AT));
      expect(await mailbox.result()).toEqual({ messages: 1 });
      const dispatcher = engine.env.client.workflow.getHandle(emailDispatchWorkflowId('2025-06-23T07:00:10Z'));
      expect(await dispatcher.result()).toEqual({ batches: 1, messages: 3 });
      // The dispatcher runs on a task queue of its own, beside the cases' queue.
      const caseQueue = (await engine.env.client.workflow.getHandle(dunningCaseWorkflowId(grouped[0]!)).describe()).taskQueue;
      expect((await dispatcher.describe()).taskQueue).toBe(dispatchTaskQueueOf(caseQueue));
      await recordHistory('customer-mailbox-batch-dispatch', mailbox);
      await recordHistory('email-dispatch-one-batch', dispatcher);
    });

    const batches = fake.batchRequests();
    expect(batches).toHaveLength(1);
    const emails = batches[0]?.body as { to: string[]; text: string }[];
    expect(emails).toHaveLength(3);
    const epsilonEmails = emails.filter((email) => email.to.includes('cuentas@epsilon.example'));
    expect(epsilonEmails).toHaveLength(1);
    for (const amount of ['100.00', '250.50', '600.00', '950.50']) {
      expect(epsilonEmails[0]?.text).toContain(amount);
    }

    const stored = await emailsOf(engine.db, 'EPSILON');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.status).toBe('sent');
    expect(stored[0]?.lines.map((line) => line.dueMinor).sort((left, right) => left - right)).toEqual([10_000, 25_050, 60_000]);
  }, 180_000);

  test('outbox stores a batch locally', async () => {
    await startEngine(new OutboxMailer());
    const ids = await seedCustomers(3);

    await engine.run(async () => {
      await startCases(ids);
      await runR1(ids, 3);
    });

    const messages = await messagesOf(ids);
    expect(messages).toHaveLength(3);
    expect(messages.map((message) => message.status)).toEqual(['outbox', 'outbox', 'outbox']);
    expect(new Set(messages.map((message) => message.batch_key)).size).toBe(1);
    expect(messages.every((message) => message.provider_message_id?.startsWith('outbox:customer-mailbox-'))).toBe(true);
    const [carbon] = await engine.db.sql<{ count: number }[]>`
      select count(*)::int as count from carbon_ledger where message_id in ${engine.db.sql(messages.map((message) => message.id))}`;
    expect(carbon?.count).toBe(3);
  }, 120_000);
});
