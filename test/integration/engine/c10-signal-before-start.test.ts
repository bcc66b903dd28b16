import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, type Engine } from '../../support/engine.js';

// Field case: the payments feed runs ahead of the invoice import. PHI; INV-20001,
// 300.00 EUR, due 2025-12-01.

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-12-02T09:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({ externalRef: 'PHI', name: 'Phi SA', scenarioId: 'p1', contacts: [{ role: 'invoicing', email: 'ap@phi.example' }] });
});

afterEach(async () => {
  await engine.close();
});

const invoice = { customerRef: 'PHI', number: 'INV-20001', currency: 'EUR', totalMinor: 30_000, issueDate: '2025-11-01', dueDate: '2025-12-01' };

async function expectClosedAtOnce(invoiceId: string) {
  await engine.run(async () => {
    const handle = await engine.startCase(invoiceId);
    expect(await handle.result()).toEqual({ terminalState: 'paid' });
    const history = await handle.fetchHistory();
    expect(history.events?.some((event) => event.timerStartedEventAttributes)).toBe(false);
  });
  expect(await emailsOf(engine.db, 'PHI')).toHaveLength(0);
  expect((await caseEventsOf(engine.db, invoiceId)).filter((event) => event.type === 'case_ended')).toHaveLength(1);
}

describe('payment before the case', () => {
  test('payment before case start closes it', async () => {
    const { id } = await engine.invoice(invoice);
    await engine.pay({ customerRef: 'PHI', reference: 'VIR-20001', amountMinor: 30_000, currency: 'EUR', receivedOn: '2025-12-02', invoiceNumber: 'INV-20001' });

    await expectClosedAtOnce(id);
  });

  test('payment before the invoice is kept', async () => {
    await engine.pay({ customerRef: 'PHI', reference: 'VIR-20001', amountMinor: 30_000, currency: 'EUR', receivedOn: '2025-12-02', invoiceNumber: 'INV-20001' });
    const { id } = await engine.invoice(invoice);

    await expectClosedAtOnce(id);
  });

  test('two concurrent half payments count', async () => {
    const { id } = await engine.invoice(invoice);
    await Promise.all([
      engine.pay({ customerRef: 'PHI', reference: 'VIR-20001-A', amountMinor: 15_000, currency: 'EUR', receivedOn: '2025-12-02', invoiceNumber: 'INV-20001' }),
      engine.pay({ customerRef: 'PHI', reference: 'VIR-20001-B', amountMinor: 15_000, currency: 'EUR', receivedOn: '2025-12-02', invoiceNumber: 'INV-20001' }),
    ]);

    await expectClosedAtOnce(id);
    const [cases] = await engine.db.sql<{ count: number }[]>`select count(*)::int as count from cases where invoice_id = ${id}`;
    expect(cases?.count).toBe(1);
  });
});
