import { afterEach, describe, expect, test } from 'vitest';
import { recordHistory } from '../../support/histories.js';
import { createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// Field cases: partial payments and credit notes change the balance that each later step
// shows, through the same re-evaluation, without restarting or ending the plan.

let engine: Engine;

afterEach(async () => {
  await engine.close();
});

async function stepsDone(invoiceId: string, count: number): Promise<void> {
  await waitFor(async () => ((await engine.state(invoiceId)).steps.length >= count ? true : undefined), `${count} steps to be done`);
}

describe('partial payment', () => {
  // BETA, Europe/Brussels; INV-2001, 3,000.00 EUR, due 2025-02-10; R1 2025-02-15; 1,000.00 paid 2025-02-18.
  test('later steps use the new balance', async () => {
    engine = await createEngine({ startTime: '2025-02-10T08:00:00Z' });
    await engine.scenario(PLAN_P1);
    await engine.customer({ externalRef: 'BETA', name: 'Beta BV', language: 'fr', timeZone: 'Europe/Brussels', scenarioId: 'p1', contacts: [{ role: 'accounts_payable', email: 'ap@beta.example' }] });
    const { id } = await engine.invoice({ customerRef: 'BETA', number: 'INV-2001', currency: 'EUR', totalMinor: 300_000, issueDate: '2025-01-10', dueDate: '2025-02-10' });

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-02-18T12:00:00Z');
      await stepsDone(id, 1);
      await engine.pay({ customerRef: 'BETA', reference: 'VIR-2001-1', amountMinor: 100_000, currency: 'EUR', receivedOn: '2025-02-18', invoiceNumber: 'INV-2001' });

      await engine.sleepUntil('2025-03-27T12:00:00Z');
      await stepsDone(id, 4);
      const state = await engine.state(id);
      expect(state.steps.map((step) => [step.stepKey, step.at.slice(0, 10), step.dueMinor])).toEqual([
        ['r1', '2025-02-15', 300_000],
        ['r2', '2025-02-25', 200_000],
        ['r3', '2025-03-12', 200_000],
        ['r4', '2025-03-27', 200_000],
      ]);
      expect(state.balance).toMatchObject({ originalMinor: 300_000, paidMinor: 100_000, unallocatedMinor: 0, dueMinor: 200_000 });
      expect(await handle.result()).toEqual({ terminalState: 'handed_over' });
      await recordHistory('plan-p1-partial-payment', handle);
    });

    const emails = await emailsOf(engine.db, 'BETA');
    expect(emails.map((email) => email.lines[0]?.dueMinor)).toEqual([300_000, 200_000]);
    expect(emails[1]?.text_body).toContain('3');
  });
});

describe('credit notes', () => {
  // GAMMA, en-GB, Europe/London; INV-3001, 500.00 GBP, due 2025-05-31; R1 2025-06-05, R2 2025-06-15.
  async function setUp() {
    engine = await createEngine({ startTime: '2025-05-31T07:00:00Z' });
    await engine.scenario(PLAN_P1);
    await engine.customer({ externalRef: 'GAMMA', name: 'Gamma Ltd', language: 'en', timeZone: 'Europe/London', scenarioId: 'p1', contacts: [{ role: 'invoicing', email: 'ap@gamma.example' }] });
    return engine.invoice({ customerRef: 'GAMMA', number: 'INV-3001', currency: 'GBP', totalMinor: 50_000, issueDate: '2025-05-01', dueDate: '2025-05-31' });
  }

  test('allocated credit note settles the case', async () => {
    const { id } = await setUp();

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-10T10:00:00Z');
      await stepsDone(id, 1);
      await engine.invoice({ customerRef: 'GAMMA', kind: 'credit_note', number: 'CN-3001', currency: 'GBP', totalMinor: 50_000, issueDate: '2025-06-10', dueDate: '2025-06-10', precedingInvoiceNumber: 'INV-3001' });
      await handle.signal('balanceChanged', { kind: 'credit_note', reference: 'CN-3001' });
      expect(await handle.result()).toEqual({ terminalState: 'settled_by_credit_note' });
    });

    expect((await emailsOf(engine.db, 'GAMMA')).map((email) => email.lines[0]?.stepKey)).toEqual(['r1']);
  });

  test('on-account credit note lowers R2', async () => {
    const { id } = await setUp();
    await engine.invoice({ customerRef: 'GAMMA', kind: 'credit_note', number: 'CN-3002', currency: 'GBP', totalMinor: 20_000, issueDate: '2025-06-10', dueDate: '2025-06-10' });

    await engine.run(async () => {
      await engine.startCase(id);
      await engine.sleepUntil('2025-06-15T10:00:00Z');
      await stepsDone(id, 2);
    });

    expect((await emailsOf(engine.db, 'GAMMA')).map((email) => email.lines[0]?.dueMinor)).toEqual([30_000, 30_000]);
  });

  test('cancelled credit note nets nothing', async () => {
    const { id } = await setUp();

    await engine.run(async () => {
      await engine.startCase(id);
      await engine.sleepUntil('2025-06-10T10:00:00Z');
      await stepsDone(id, 1);
      const { id: creditNoteId } = await engine.invoice({ customerRef: 'GAMMA', kind: 'credit_note', number: 'CN-3003', currency: 'GBP', totalMinor: 50_000, issueDate: '2025-06-10', dueDate: '2025-06-10', precedingInvoiceNumber: 'INV-3001' });
      await engine.db.sql`update invoices set cancelled_at = '2025-06-12T10:00:00Z' where id = ${creditNoteId}`;

      await engine.sleepUntil('2025-06-15T10:00:00Z');
      await stepsDone(id, 2);
    });

    expect((await emailsOf(engine.db, 'GAMMA')).map((email) => email.lines[0]?.dueMinor)).toEqual([50_000, 50_000]);
  });
});
