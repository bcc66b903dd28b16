import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ResendMailer } from '../../activities/mailer.js';
import { RateLimitedMailer } from '../../activities/resend-rate.js';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../support/engine.js';
import { FakeResend } from '../support/fake-resend.js';

// Field case PI: the main contact has a phone and no e-mail, the invoicing contact is
// billing@pi.example. INV-15001, 640.00 EUR, issued 2025-05-19, due 2025-06-18.
// R1 on 2025-06-23 09:00 Paris (07:00Z), R2 on 2025-07-03 09:00 Paris.
// The worker sends through the Resend SDK to a fake Resend that records every request.

const R1_AT = '2025-06-23T07:00:00Z';
const R2_AT = '2025-07-03T07:00:00Z';

let fake: FakeResend;
let engine: Engine;

beforeEach(async () => {
  fake = await FakeResend.start();
  engine = await createEngine({
    startTime: '2025-06-18T08:00:00Z',
    mailer: new RateLimitedMailer(new ResendMailer('re_test', fake.url), { ratePerSecond: 2 }),
  });
  await engine.scenario(PLAN_P1);
});

afterEach(async () => {
  await engine.close();
  await fake.close();
});

const mainContact = { role: 'main', name: 'Paul Icard', phone: '+33 1 23 45 67 89' };
const invoice = { customerRef: 'PI', number: 'INV-15001', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' };
const payment = { customerRef: 'PI', reference: 'VIR-15001', amountMinor: 64_000, currency: 'EUR', receivedOn: '2025-06-25', invoiceNumber: 'INV-15001' };

async function stepsDone(invoiceId: string, count: number) {
  return waitFor(async () => {
    const state = await engine.state(invoiceId);
    return state.steps.length >= count ? state : undefined;
  }, `${count} step(s) done`);
}

async function tasksOf(invoiceId: string) {
  return engine.db.sql<{ kind: string; step_key: string; data: { reason?: string } }[]>`
    select kind, step_key, data from tasks where invoice_id = ${invoiceId} order by created_at`;
}

describe('field case PI', () => {
  test('R1 goes to the invoicing contact', async () => {
    await engine.customer({ externalRef: 'PI', name: 'PI Industries SAS', scenarioId: 'p1', contacts: [mainContact, { role: 'invoicing', email: 'billing@pi.example' }] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T07:00:30Z');
      await stepsDone(id, 1);

      await engine.pay(payment);
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    const requests = fake.emailRequests();
    expect(requests).toHaveLength(1);
    // The customer's mailbox sends R1, under a key derived from its send slot and the steps it carries.
    expect(requests[0]?.idempotencyKey).toMatch(/^customer-mailbox-.+-20250623T0700\/[0-9a-f]{16}$/);
    expect(requests[0]?.body).toMatchObject({ to: ['billing@pi.example'], subject: 'Rappel : facture INV-15001 en attente de règlement' });
    const emails = await emailsOf(engine.db, 'PI');
    expect(emails.map((email) => email.status)).toEqual(['sent']);
    expect(emails[0]?.sent_at.getTime()).toBeGreaterThanOrEqual(Date.parse(R1_AT));
  });

  test('no e-mail goes on to R2', async () => {
    await engine.customer({ externalRef: 'PI', name: 'PI Industries SAS', scenarioId: 'p1', contacts: [mainContact] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T07:00:30Z');
      const afterR1 = await stepsDone(id, 1);
      expect(afterR1.steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'not_deliverable' });
      expect(afterR1.nextStep?.stepKey).toBe('r2');

      await engine.sleepUntil('2025-07-03T07:00:30Z');
      const afterR2 = await stepsDone(id, 2);
      expect(afterR2.steps[1]).toMatchObject({ stepKey: 'r2', outcome: 'not_deliverable' });
      expect(Date.parse(afterR2.steps[1]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(R2_AT));

      await engine.pay({ ...payment, receivedOn: '2025-07-04' });
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    expect(fake.requests).toHaveLength(0);
    const tasks = await tasksOf(id);
    expect(tasks.map((task) => [task.kind, task.step_key])).toEqual([
      ['not_deliverable', 'r1'],
      ['not_deliverable', 'r2'],
    ]);
    expect(tasks[0]?.data.reason).toBe('no contact has a usable e-mail address');
  });

  test('invalid address opens a task', async () => {
    fake.rejectAddress('billing@pi.example');
    await engine.customer({ externalRef: 'PI', name: 'PI Industries SAS', scenarioId: 'p1', contacts: [mainContact, { role: 'invoicing', email: 'billing@pi.example' }] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T07:00:30Z');
      const state = await stepsDone(id, 1);
      expect(state.steps[0]).toMatchObject({ stepKey: 'r1', outcome: 'not_deliverable' });
      expect(state.status).toBe('active');
      expect(state.nextStep?.stepKey).toBe('r2');

      await engine.pay(payment);
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    expect(fake.emailRequests()).toHaveLength(1);
    expect(fake.emailRequests()[0]?.status).toBe(422);
    const tasks = await tasksOf(id);
    expect(tasks.map((task) => task.kind)).toEqual(['not_deliverable']);
    const events = await caseEventsOf(engine.db, id);
    expect(events.filter((event) => event.type === 'case_ended')).toHaveLength(1);
  });

  test('429 retries with one key', async () => {
    fake.answerNext({ kind: 'rate_limited', retryAfterSeconds: 1 });
    await engine.customer({ externalRef: 'PI', name: 'PI Industries SAS', scenarioId: 'p1', contacts: [mainContact, { role: 'invoicing', email: 'billing@pi.example' }] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T07:00:30Z');
      await waitFor(async () => (fake.emailRequests().length >= 1 ? true : undefined), 'the first attempt');
      await engine.sleepUntil('2025-06-23T07:01:30Z');
      await stepsDone(id, 1);

      await engine.pay(payment);
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    const requests = fake.emailRequests();
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    expect(new Set(requests.map((request) => request.idempotencyKey)).size).toBe(1);
    expect((await emailsOf(engine.db, 'PI')).map((email) => email.status)).toEqual(['sent']);
  });
});
