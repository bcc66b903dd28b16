import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// Field case: a payment recorded just before a send, while the feed that wakes the case
// lags two minutes behind. The send step must read the ledger of record itself.
// ALPHA, fr-FR, Europe/Paris; INV-1001, 1,200.00 EUR, issued 2025-03-03, due 2025-04-02;
// R1 due 2025-04-07 09:00 Paris (07:00Z).

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-04-02T08:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({ externalRef: 'ALPHA', name: 'Alpha SARL', language: 'fr', timeZone: 'Europe/Paris', scenarioId: 'p1', contacts: [{ role: 'invoicing', email: 'compta@alpha.example' }] });
});

afterEach(async () => {
  await engine.close();
});

const invoice = { customerRef: 'ALPHA', number: 'INV-1001', currency: 'EUR', totalMinor: 120_000, issueDate: '2025-03-03', dueDate: '2025-04-02' };
const payment = { customerRef: 'ALPHA', reference: 'VIR-1001', amountMinor: 120_000, currency: 'EUR', receivedOn: '2025-04-07', invoiceNumber: 'INV-1001' };

describe('stale balance before a send', () => {
  test('payment at 08:59:50 stops R1', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-04-07T06:59:50Z');
      await engine.pay(payment, { signal: false });

      // No signal yet: the case must find the payment itself when it reads the ledger before sending.
      await engine.sleepUntil('2025-04-07T07:01:50Z');
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    expect(await emailsOf(engine.db, 'ALPHA')).toHaveLength(0);
    const events = await caseEventsOf(engine.db, id);
    expect(events.filter((event) => event.type === 'case_ended')).toHaveLength(1);
    expect(events.some((event) => event.type.startsWith('step_'))).toBe(false);
  });

  test('payment at 09:00:30 keeps R1 only', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-04-07T07:00:30Z');
      await waitFor(async () => ((await engine.state(id)).steps.length > 0 ? true : undefined), 'R1 to be sent');
      expect(await emailsOf(engine.db, 'ALPHA')).toHaveLength(1);

      await engine.pay(payment);
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    const emails = await emailsOf(engine.db, 'ALPHA');
    expect(emails).toHaveLength(1);
    expect(emails[0]?.lines).toEqual([{ invoiceId: id, stepKey: 'r1', dueMinor: 120_000 }]);
    const sentAt = emails[0]?.sent_at.getTime() ?? 0;
    expect(sentAt).toBeGreaterThanOrEqual(Date.parse('2025-04-07T07:00:00Z'));
    // The customer's mailbox gathers the steps of one slot for a few seconds before sending.
    expect(sentAt).toBeLessThan(Date.parse('2025-04-07T07:00:30Z'));
  });
});
