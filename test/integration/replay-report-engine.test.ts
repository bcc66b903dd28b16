// The replay report on a history run through the real engine on the time-skipping
// server: three invoices of one customer due 2026-03-02 under plan P1, one paid after
// R1, one disputed, one left open. Every figure is checked against the run.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { updateCase } from '../../api/services/cases.js';
import { computeReplayReport, type ReplayReport } from '../../replay/report/index.js';
import { createEngine, PLAN_P1, waitFor, type Engine } from '../support/engine.js';

let engine: Engine;
let report: ReplayReport;
const ids: Record<string, string> = {};

async function terminalStateOf(invoiceId: string): Promise<string | undefined> {
  const [row] = await engine.db.sql<{ terminal_state: string | null }[]>`select terminal_state from cases where invoice_id = ${invoiceId}`;
  return row?.terminal_state ?? undefined;
}

beforeAll(async () => {
  engine = await createEngine({ startTime: '2026-03-02T07:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({ externalRef: 'ACME', name: 'Acme SARL', language: 'fr', timeZone: 'Europe/Paris', scenarioId: 'p1', contacts: [{ role: 'accounts_payable', email: 'compta@acme.example' }] });
  for (const [number, totalMinor] of [['F-100', 100_000], ['F-101', 25_000], ['F-102', 40_000]] as const) {
    ids[number] = (await engine.invoice({ customerRef: 'ACME', number, currency: 'EUR', totalMinor, issueDate: '2026-02-01', dueDate: '2026-03-02' })).id;
  }

  await engine.run(async () => {
    await Promise.all(Object.values(ids).map((id) => engine.startCase(id)));
    await engine.sleepUntil('2026-03-07T08:00:00Z');
    for (const id of Object.values(ids)) {
      await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), `R1 of invoice ${id}`);
    }

    await engine.sleepUntil('2026-03-09T10:00:00Z');
    await engine.pay({ customerRef: 'ACME', reference: 'VIR-100', amountMinor: 100_000, currency: 'EUR', receivedOn: '2026-03-09', invoiceNumber: 'F-100' });
    await waitFor(async () => ((await terminalStateOf(ids['F-100']!)) === 'paid' ? true : undefined), 'the paid end of F-100');
    await updateCase(engine.db.sql, engine.temporal, ids['F-101']!, 'openDispute', { reason: 'quantity', source: 'portal' });

    await engine.sleepUntil('2026-03-17T08:00:00Z');
    await waitFor(async () => ((await engine.state(ids['F-102']!)).steps.length === 2 ? true : undefined), 'R2 of invoice F-102');
  });

  report = await computeReplayReport(engine.db.sql, { from: '2026-02-01', to: '2026-03-31' }, { sources: ['engine test'], scenarioId: 'p1', wallTimeMs: 1234 });
}, 180_000);

afterAll(async () => {
  await engine?.close();
});

describe('replay report after an engine run', () => {
  test('counts cases by outcome', () => {
    expect(report.scope).toEqual({ invoices: 3, customers: 1, cases: 3 });
    expect(report.cases.total).toBe(3);
    expect(report.cases.byOutcome.paid).toBe(1);
    expect(report.cases.byOutcome.disputed_at_period_end).toBe(1);
    expect(report.cases.byOutcome.open_at_period_end).toBe(1);
    expect(report.cases.byOutcome.written_off).toBe(0);
  });

  test('counts grouped and ungrouped e-mails', () => {
    expect(report.channels.email).toBe(2);
    expect(report.channels.phone).toBe(0);
    expect(report.emailGrouping.emails).toBe(2);
    expect(report.emailGrouping.emailsWithoutGrouping).toBe(4);
    expect(report.emailGrouping.invoicesReminded).toBe(3);
    expect(report.emailGrouping.ratio).toBe(0.5);
  });

  test('finds no misplaced reminder', () => {
    expect(report.remindersAfterPayment.count).toBe(0);
    expect(report.remindersDuringDispute.count).toBe(0);
  });

  test('counts disputes and cash', () => {
    expect(report.disputes).toEqual({ opened: 1, resolved: 0, closedWithCase: 0, openAtPeriodEnd: 1 });
    expect(report.promises.made).toBe(0);
    expect(report.cashCollected).toEqual([{ currency: 'EUR', amountMinor: 100_000 }]);
  });

  test('sums the footprint against the baseline', () => {
    const email = report.carbon.perChannel.find((entry) => entry.channel === 'email');

    expect(email?.lines).toBe(2);
    expect(report.carbon.totalGrams).toBeGreaterThan(0);
    expect(report.carbon.baselineGrams).toBeGreaterThan(report.carbon.totalGrams);
    expect(report.carbon.gramsPerThousandEur).toBeCloseTo(report.carbon.totalGrams, 3);
  });

  test('ages the balance week by week', () => {
    const series = report.agedBalance.find((entry) => entry.currency === 'EUR');
    const first = series?.weeks[0];
    const last = series?.weeks.at(-1);

    expect(series?.weeks).toHaveLength(9);
    expect(first?.date).toBe('2026-02-03');
    expect(first?.balance.not_due).toBe(165_000);
    expect(last?.date).toBe('2026-03-31');
    expect(last?.balance).toEqual({ not_due: 0, d1_30: 65_000, d31_60: 0, d61_90: 0, over_90: 0 });
  });
});
