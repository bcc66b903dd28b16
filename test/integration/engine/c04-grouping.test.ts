import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// Field case: one e-mail for several invoices. EPSILON, Europe/Madrid, grouping on;
// INV-5001 100.00 EUR, INV-5002 250.50 EUR, INV-5003 1,000.00 EUR with 400.00 paid, all
// due 2025-06-02. R1 on 2025-06-07 is one e-mail: 100.00 / 250.50 / 600.00, total 950.50.

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-06-02T08:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({ externalRef: 'EPSILON', name: 'Epsilon SL', language: 'en', timeZone: 'Europe/Madrid', scenarioId: 'p1', contacts: [{ role: 'accounts_payable', email: 'cuentas@epsilon.example' }] });
});

afterEach(async () => {
  await engine.close();
});

const invoices = [
  { customerRef: 'EPSILON', number: 'INV-5001', currency: 'EUR', totalMinor: 10_000, issueDate: '2025-05-02', dueDate: '2025-06-02' },
  { customerRef: 'EPSILON', number: 'INV-5002', currency: 'EUR', totalMinor: 25_050, issueDate: '2025-05-02', dueDate: '2025-06-02' },
  { customerRef: 'EPSILON', number: 'INV-5003', currency: 'EUR', totalMinor: 100_000, issueDate: '2025-05-02', dueDate: '2025-06-02' },
];

describe('one e-mail for several invoices', () => {
  test.each([
    ['loaded in order', [0, 1, 2]],
    ['loaded in reverse', [2, 1, 0]],
  ])('R1 groups every invoice, %s', async (_order, positions) => {
    const ids: string[] = [];
    for (const position of positions) {
      const invoice = invoices[position as number];
      if (!invoice) throw new Error(`no invoice at position ${position}`);
      ids.push((await engine.invoice(invoice)).id);
    }
    await engine.pay({ customerRef: 'EPSILON', reference: 'VIR-5003', amountMinor: 40_000, currency: 'EUR', receivedOn: '2025-06-03', invoiceNumber: 'INV-5003' });

    await engine.run(async () => {
      await Promise.all(ids.map((id) => engine.startCase(id)));
      await engine.sleepUntil('2025-06-07T08:00:00Z');
      for (const id of ids) {
        await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), `R1 of invoice ${id}`);
      }

      const messageIds = new Set(await Promise.all(ids.map(async (id) => (await engine.state(id)).steps[0]?.messageId)));
      expect(messageIds.size).toBe(1);
    });

    const emails = await emailsOf(engine.db, 'EPSILON');
    expect(emails).toHaveLength(1);
    const email = emails[0];
    expect(email?.lines.map((line) => line.dueMinor).sort((left, right) => left - right)).toEqual([10_000, 25_050, 60_000]);
    expect(email?.lines.every((line) => line.stepKey === 'r1')).toBe(true);
    expect(email?.text_body).toContain('950.50');
    for (const amount of ['100.00', '250.50', '600.00']) {
      expect(email?.text_body).toContain(amount);
    }
  });
});
