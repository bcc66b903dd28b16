import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { ResendMailer, type Mailer, type OutgoingEmail } from '../../../activities/mailer.js';
import { loadLatePaymentRateTable } from '../../../config/rates/late-payment-rates.js';
import { stepActionKey } from '../../../domain/ids.js';
import { FakeResend } from '../../support/fake-resend.js';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, silentLogger, waitFor, type Engine } from '../../support/engine.js';

// Field case: exactly one reminder under retries. IOTA, fr-FR; INV-9001, 450.00 EUR, due
// 2025-10-01; R1 due 2025-10-06 09:00 Paris with the 40 EUR recovery indemnity noted.

/** Passes each message to the provider, then fails the first call as a worker dying before it reports success would. */
class CrashAfterProviderMailer implements Mailer {
  readonly provider = 'resend' as const;
  private crashed = false;

  constructor(private readonly inner: Mailer) {}

  async send(email: OutgoingEmail) {
    const result = await this.inner.send(email);
    if (!this.crashed) {
      this.crashed = true;
      throw new Error('worker lost after the provider accepted the message');
    }
    return result;
  }
}

let engine: Engine;
let fake: FakeResend;

const scenario = { ...PLAN_P1, id: 'p1-indemnity', steps: PLAN_P1.steps.map((step) => (step.key === 'r1' ? { ...step, claimsPenalties: true } : step)) };
const invoice = { customerRef: 'IOTA', number: 'INV-9001', currency: 'EUR', totalMinor: 45_000, issueDate: '2025-09-01', dueDate: '2025-10-01' };

beforeEach(async () => {
  fake = await FakeResend.start();
  engine = await createEngine({ startTime: '2025-10-01T08:00:00Z', mailer: new CrashAfterProviderMailer(new ResendMailer('re_test_key', fake.url)) });
  await engine.scenario(scenario);
  await engine.customer({ externalRef: 'IOTA', name: 'Iota SAS', siren: '732829320', language: 'fr', scenarioId: 'p1-indemnity', contacts: [{ role: 'invoicing', email: 'compta@iota.example' }] });
});

afterEach(async () => {
  await engine.close();
  await fake.close();
});

describe('exactly once under retries', () => {
  test('one R1 reaches the provider', async () => {
    const first = await engine.invoice(invoice);
    const second = await engine.invoice(invoice);
    expect(second.id).toBe(first.id);
    const id = first.id;
    const workflowId = `dunning-case-${id}`;
    const key = stepActionKey(workflowId, 'r1');

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      const { runId } = await handle.describe();
      // The import that starts cases runs twice the same morning.
      await engine.startCase(id);
      expect((await handle.describe()).runId).toBe(runId);

      await engine.sleepUntil('2025-10-06T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), 'R1 to be done');
    });

    // The provider saw the message twice, under one key: the retry after the crash.
    const sends = fake.emailRequests();
    expect(sends.length).toBe(2);
    expect(new Set(sends.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(sends[0]?.idempotencyKey).toMatch(/^customer-mailbox-/);
    expect(sends.every((request) => request.status === 200)).toBe(true);

    // An operator replays the step: the stored message is returned and the provider is not called.
    const activities = createActivities({
      sql: engine.db.sql,
      mailer: new ResendMailer('re_test_key', fake.url),
      logger: silentLogger,
      company: { name: 'Relance Demo SAS', siren: '552100554', address: '1 rue de la Paix, 75002 Paris', senderEmail: 'relances@relance.invalid', language: 'fr' },
      portal: { baseUrl: 'http://127.0.0.1:3000/portal', secrets: 'a-test-secret-of-at-least-32-characters!', linkTtlDays: 45 },
      rateTable: loadLatePaymentRateTable(),
    });
    const balance = await activities.readBalance({ invoiceId: id });
    const { customer } = await activities.loadCaseContext({ invoiceId: id });
    const step = scenario.steps[0];
    if (!step) throw new Error('scenario without steps');
    const replay = await activities.performStep({
      workflowId,
      invoiceId: id,
      customerId: customer.id,
      step: { ...step, requiresConfirmation: false, claimsPenalties: true },
      scheduledAt: '2025-10-06T07:00:00Z',
      actedAt: '2025-10-06T10:00:00Z',
      balance,
      idempotencyKey: key,
    });
    expect(replay).toMatchObject({ outcome: 'sent', detail: 'deduplicated' });
    expect(fake.emailRequests()).toHaveLength(2);

    expect(await emailsOf(engine.db, 'IOTA')).toHaveLength(1);
    const claims = await engine.db.sql<{ kind: string; amount_minor: number }[]>`select kind, amount_minor from claims where invoice_id = ${id} order by kind`;
    expect(claims.filter((claim) => claim.kind === 'recovery_indemnity')).toEqual([{ kind: 'recovery_indemnity', amount_minor: 4_000 }]);
    const deduplicated = (await caseEventsOf(engine.db, id)).filter((event) => event.type === 'step_deduplicated');
    expect(deduplicated.map((event) => event.data.attempt)).toEqual([2, 1]);
    expect(sends[0]?.body).toMatchObject({ to: ['compta@iota.example'] });
  });
});
