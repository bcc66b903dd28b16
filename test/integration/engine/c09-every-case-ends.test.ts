import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { recordHistory } from '../../support/histories.js';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// Field case: every case ends, once. TAU, INV-18001, 99.00 EUR, due 2025-02-03, plan P1:
// R1 02-08, R2 02-18, R3 03-05 (call), R4 03-20 (registered letter), all at 09:00 Paris.

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-02-03T08:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({
    externalRef: 'TAU',
    name: 'Tau SAS',
    siren: '732829320',
    address: '12 rue des Lilas, 69003 Lyon, France',
    scenarioId: 'p1',
    contacts: [{ role: 'invoicing', email: 'ap@tau.example' }],
  });
});

afterEach(async () => {
  await engine.close();
});

const invoice = { customerRef: 'TAU', number: 'INV-18001', currency: 'EUR', totalMinor: 9_900, issueDate: '2025-01-03', dueDate: '2025-02-03' };

async function lettersAndCalls(invoiceId: string) {
  return engine.db.sql<{ kind: string; step_key: string }[]>`select kind, step_key from tasks where invoice_id = ${invoiceId} order by due_at`;
}

describe('every case ends once', () => {
  test('exhausted plan hands over once', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      expect(await handle.result()).toEqual({ terminalState: 'handed_over' });
      await recordHistory('plan-p1-handed-over', handle);

      await engine.pay({ customerRef: 'TAU', reference: 'VIR-18001', amountMinor: 9_900, currency: 'EUR', receivedOn: '2025-03-25', invoiceNumber: 'INV-18001' });
      await engine.pay({ customerRef: 'TAU', reference: 'VIR-18001', amountMinor: 9_900, currency: 'EUR', receivedOn: '2025-03-25', invoiceNumber: 'INV-18001' });
    });

    const events = await caseEventsOf(engine.db, id);
    const ends = events.filter((event) => event.type === 'case_ended');
    expect(ends).toHaveLength(1);
    expect(ends[0]?.data).toMatchObject({ terminalState: 'handed_over', dueMinor: 9_900 });
    expect(ends[0]?.occurred_at.toISOString().slice(0, 10)).toBe('2025-03-20');
    expect(events.filter((event) => event.type === 'paid_after_dunning')).toHaveLength(1);
    expect(await emailsOf(engine.db, 'TAU')).toHaveLength(2);
    expect(await lettersAndCalls(id)).toEqual([
      { kind: 'call', step_key: 'r3' },
      { kind: 'letter', step_key: 'r4' },
    ]);
    const letters = await engine.db.sql<{ kind: string; status: string }[]>`select kind, status from letters where invoice_id = ${id}`;
    expect(letters).toEqual([{ kind: 'formal_notice', status: 'queued' }]);
  });

  test('payment at 08:00 prevents the letter', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-03-20T07:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 3 ? true : undefined), 'R3 to be done');

      await engine.pay({ customerRef: 'TAU', reference: 'VIR-18001', amountMinor: 9_900, currency: 'EUR', receivedOn: '2025-03-20', invoiceNumber: 'INV-18001' });
      expect(await handle.result()).toEqual({ terminalState: 'paid' });
    });

    const events = await caseEventsOf(engine.db, id);
    expect(events.filter((event) => event.type === 'case_ended')).toHaveLength(1);
    expect((await lettersAndCalls(id)).map((task) => task.step_key)).toEqual(['r3']);
  });
});
