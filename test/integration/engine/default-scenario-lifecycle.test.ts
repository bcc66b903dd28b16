import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { updateCase } from '../../../api/services/cases.js';
import { ensureDefaultScenario } from '../../../api/services/scenarios.js';
import { recordHistory } from '../../support/histories.js';
import { caseEventsOf, createEngine, emailsOf, waitFor, type Engine } from '../../support/engine.js';

// The default French scenario on a Paris customer with the French business calendar:
// XI, INV-13001, 1,500.00 EUR, due Wednesday 2025-04-16.

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-04-01T08:00:00Z' });
  await ensureDefaultScenario(engine.db.sql);
  await engine.customer({ externalRef: 'XI', name: 'Xi SARL', language: 'fr', timeZone: 'Europe/Paris', contacts: [{ role: 'invoicing', email: 'compta@xi.example' }] });
});

afterEach(async () => {
  await engine.close();
});

const invoice = { customerRef: 'XI', number: 'INV-13001', currency: 'EUR', totalMinor: 150_000, issueDate: '2025-03-17', dueDate: '2025-04-16' };

async function waitForStatus(invoiceId: string, status: string) {
  return waitFor(async () => {
    const state = await engine.state(invoiceId);
    return state.status === status ? state : undefined;
  }, `case status ${status}`);
}

describe('default French scenario', () => {
  test('promise, broken promise, dispute, payment', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);

      // J-5 is Friday 11 April; J+5 is Easter Monday, so R1 moves to Tuesday 22 April.
      await engine.sleepUntil('2025-04-22T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 2 ? true : undefined), 'courtesy notice and R1');
      expect((await engine.state(id)).steps.map((step) => [step.stepKey, step.scheduledAt])).toEqual([
        ['courtesy', '2025-04-11T07:00:00.000Z'],
        ['r1', '2025-04-22T07:00:00.000Z'],
      ]);

      const rejected = updateCase(engine.db.sql, engine.temporal, id, 'promiseToPay', { promisedDate: '2025-09-01', amountMinor: 150_000, source: 'portal' });
      await expect(rejected).rejects.toThrow(/beyond the 60-day horizon/);

      const promised = await updateCase(engine.db.sql, engine.temporal, id, 'promiseToPay', { promisedDate: '2025-05-05', amountMinor: 150_000, source: 'portal' });
      expect(promised.status).toBe('promised');
      expect(promised.promise).toEqual({ promisedDate: '2025-05-05', amountMinor: 150_000, resumeAt: '2025-05-08T07:00:00.000Z' });

      // R2 (J+15, moved from 1 May to Friday 2 May) waits for the promise. Once the promise
      // breaks, R2 goes out at the next business slot, Friday 9 May, because 8 May is a holiday.
      await engine.sleepUntil('2025-05-09T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 3 ? true : undefined), 'R2 after the broken promise');
      const afterPromise = await engine.state(id);
      expect(afterPromise.steps[2]).toMatchObject({ stepKey: 'r2', scheduledAt: '2025-05-09T07:00:00.000Z' });

      const disputed = await updateCase(engine.db.sql, engine.temporal, id, 'openDispute', { reason: 'quantity', comment: '2 cartons manquants', source: 'portal' });
      expect(disputed.status).toBe('disputed');
      expect(disputed.nextStep).toBeNull();

      // R3 (J+30, Friday 16 May) does not run while the dispute is open.
      await engine.sleepUntil('2025-05-20T08:00:00Z');
      expect((await waitForStatus(id, 'disputed')).steps).toHaveLength(3);

      const resumed = await updateCase(engine.db.sql, engine.temporal, id, 'resolveDispute', { outcome: 'rejected', note: 'Delivery note signed', author: 'credit.manager' });
      expect(resumed.status).toBe('active');
      // R3's day has passed: the matching-step catch-up runs it at the next send slot.
      expect(resumed.nextStep).toMatchObject({ stepKey: 'r3', channel: 'phone' });
      expect(resumed.nextStep?.scheduledAt.slice(0, 16)).toBe('2025-05-20T08:00');

      await engine.pay({ customerRef: 'XI', reference: 'VIR-13001', amountMinor: 150_000, currency: 'EUR', receivedOn: '2025-05-20', invoiceNumber: 'INV-13001' });
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
      await recordHistory('default-scenario-promise-once', handle);
    });

    const events
 = (await caseEventsOf(engine.db, id)).map((event) => event.type);
    for (const type of ['case_started', 'promise_made', 'promise_broken', 'dispute_opened', 'dispute_resolved', 'case_ended']) {
      expect(events).toContain(type);
    }
    for (const type of ['promise_made', 'promise_broken', 'dispute_opened', 'dispute_resolved', 'case_ended']) {
      expect(events.filter((candidate) => candidate === type), type).toHaveLength(1);
    }
    expect((await emailsOf(engine.db, 'XI')).map((email) => email.lines[0]?.stepKey)).toEqual(['courtesy', 'r1', 'r2']);

    const [row] = await engine.db.sql<{ status: string; terminal_state: string }[]>`select status, terminal_state from cases where invoice_id = ${id}`;
    expect(row).toEqual({ status: 'paid', terminal_state: 'paid' });
  });

  test('updates on an ended case answer 409', async () => {
    const { id } = await engine.invoice(invoice);
    await engine.pay({ customerRef: 'XI', reference: 'VIR-13001', amountMinor: 150_000, currency: 'EUR', receivedOn: '2025-04-02', invoiceNumber: 'INV-13001' });

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      expect(await handle.result()).toEqual({ terminalState: 'paid' });

      const pause = updateCase(engine.db.sql, engine.temporal, id, 'pause', { author: 'operator' });
      await expect(pause).rejects.toMatchObject({ code: 'case_ended', status: 409, extensions: { terminalState: 'paid' } });
    });
  });
});
