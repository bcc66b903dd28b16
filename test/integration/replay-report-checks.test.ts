// The replay report's two zero checks on hand-built rows: reminders that came after an
// invoice was settled, by each rule of the settlement instant, and reminders sent while a
// dispute was open. Then the markdown in both languages and the saved reports.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  computeReplayReport,
  getReplayReport,
  listReplayReports,
  renderAgedBalanceSvg,
  renderReplayMarkdown,
  saveReplayReport,
  type ReplayReport,
} from '../../replay/report/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
let customerId: string;
let report: ReplayReport;
const PERIOD = { from: '2026-01-01', to: '2026-03-31' };

async function invoice(number: string, totalMinor: number): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`
    insert into invoices (customer_id, number, currency, total_minor, issue_date, due_date)
    values (${customerId}, ${number}, 'EUR', ${totalMinor}, '2026-01-15', '2026-02-14') returning id`;
  const id = row!.id;
  await db.sql`
    insert into cases (workflow_id, invoice_id, customer_id, scenario_id, scenario_version, status, currency)
    values (${`case-${number}`}, ${id}, ${customerId}, 'p1', 1, 'active', 'EUR')`;
  return id;
}

async function payment(invoiceId: string, reference: string, amountMinor: number, receivedOn: string, recordedAt: string): Promise<void> {
  const [row] = await db.sql<{ id: string }[]>`
    insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on)
    values ('EDGE', ${customerId}, ${reference}, ${amountMinor}, 'EUR', ${receivedOn}) returning id`;
  await db.sql`insert into allocations (invoice_id, payment_id, amount_minor, created_at) values (${invoiceId}, ${row!.id}, ${amountMinor}, ${recordedAt})`;
}

async function reminder(key: string, invoiceIds: string[], sentAt: string): Promise<void> {
  const [row] = await db.sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, status, provider, language, sent_at)
    values (${key}, 'email', ${customerId}, 'outbox', 'outbox', 'fr', ${sentAt}) returning id`;
  for (const invoiceId of invoiceIds) {
    await db.sql`insert into message_invoices (message_id, invoice_id, step_key, due_minor) values (${row!.id}, ${invoiceId}, 'r1', 100)`;
  }
}

async function event(number: string, invoiceId: string, type: string, occurredAt: string, data: Record<string, unknown> = {}): Promise<void> {
  await db.sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data)
    values (${`case-${number}`}, ${invoiceId}, ${type}, 'workflow', ${occurredAt}, ${db.sql.json(data as never)})`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const [customer] = await db.sql<{ id: string }[]>`
    insert into customers (external_ref, name, time_zone) values ('EDGE', 'Edge SAS', 'Europe/Paris') returning id`;
  customerId = customer!.id;

  // Paid on 2026-03-10, recorded at wall-clock time years later: only the next day counts.
  const byDate = await invoice('E-1', 10_000);
  await payment(byDate, 'VIR-1', 10_000, '2026-03-10', '2029-01-01T00:00:00Z');
  await reminder('edge/r-before-day-end', [byDate], '2026-03-10T15:00:00Z');
  await reminder('edge/r-next-day', [byDate], '2026-03-11T08:00:00Z');

  // Recorded on the received day at 09:00 Paris: a reminder at 10:00 Paris comes after it.
  const byRecord = await invoice('E-2', 20_000);
  await payment(byRecord, 'VIR-2a', 5_000, '2026-03-01', '2026-03-01T09:00:00Z');
  await payment(byRecord, 'VIR-2b', 15_000, '2026-03-12', '2026-03-12T08:00:00Z');
  await reminder('edge/r-partial', [byRecord], '2026-03-05T08:00:00Z');
  await reminder('edge/r-after-record', [byRecord], '2026-03-12T09:00:00Z');

  // Ended as paid by the engine with no payment row: the end event alone settles it.
  const byEnd = await invoice('E-3', 30_000);
  await event('E-3', byEnd, 'case_ended', '2026-03-20T10:00:00Z', { terminalState: 'paid' });
  await reminder('edge/r-after-end', [byEnd], '2026-03-20T10:00:00Z');

  // Disputed on 2026-03-03, then paid: the dispute closes with the case.
  const disputedThenPaid = await invoice('E-5', 50_000);
  await event('E-5', disputedThenPaid, 'dispute_opened', '2026-03-03T10:00:00Z');
  await event('E-5', disputedThenPaid, 'case_ended', '2026-03-16T00:00:00Z', { terminalState: 'paid' });

  // Disputed from 2026-03-02 to 2026-03-09, then again from 2026-03-25 with no end.
  const disputed = await invoice('E-4', 40_000);
  await event('E-4', disputed, 'dispute_opened', '2026-03-02T10:00:00Z');
  await event('E-4', disputed, 'dispute_resolved', '2026-03-09T10:00:00Z');
  await event('E-4', disputed, 'dispute_opened', '2026-03-25T10:00:00Z');
  await reminder('edge/r-before-dispute', [disputed], '2026-03-02T09:59:00Z');
  await reminder('edge/r-in-dispute', [disputed, byDate], '2026-03-05T08:00:00Z');
  await reminder('edge/r-after-resolution', [disputed], '2026-03-09T10:00:00Z');
  await reminder('edge/r-second-dispute', [disputed], '2026-04-02T08:00:00Z');

  report = await computeReplayReport(db.sql, PERIOD, { sources: ['edge rows'], scenarioId: 'p1' });
});

afterAll(async () => {
  await db?.drop();
});

describe('reminders after payment', () => {
  test('counts each late reminder', () => {
    const lines = report.remindersAfterPayment.reminders.map((line) => [line.invoiceNumber, line.sentAt, line.since]);

    expect(report.remindersAfterPayment.count).toBe(3);
    expect(lines).toContainEqual(['E-1', '2026-03-11T08:00:00.000Z', '2026-03-10T23:00:00.000Z']);
    expect(lines).toContainEqual(['E-2', '2026-03-12T09:00:00.000Z', '2026-03-12T08:00:00.000Z']);
    expect(lines).toContainEqual(['E-3', '2026-03-20T10:00:00.000Z', '2026-03-20T10:00:00.000Z']);
  });

  test('ignores reminders before settlement', () => {
    const sent = report.remindersAfterPayment.reminders.map((line) => line.sentAt);

    expect(sent).not.toContain('2026-03-10T15:00:00.000Z');
    expect(sent).not.toContain('2026-03-05T08:00:00.000Z');
  });
});

describe('reminders during a dispute', () => {
  test('counts reminders inside open windows', () => {
    const sent = report.remindersDuringDispute.reminders.map((line) => [line.invoiceNumber, line.sentAt]);

    expect(report.remindersDuringDispute.count).toBe(2);
    expect(sent).toContainEqual(['E-4', '2026-03-05T08:00:00.000Z']);
    expect(sent).toContainEqual(['E-4', '2026-04-02T08:00:00.000Z']);
  });

  test('counts disputes open at period end', () => {
    expect(report.disputes).toEqual({ opened: 3, resolved: 1, closedWithCase: 1, openAtPeriodEnd: 1 });
    expect(report.cases.byOutcome.disputed_at_period_end).toBe(1);
    expect(report.cases.byOutcome.paid).toBe(2);
    expect(report.cases.byOutcome.open_at_period_end).toBe(2);
  });
});

describe('replay report rendering', () => {
  test('markdown in English lists failures', () => {
    const markdown = renderReplayMarkdown(report, 'en');

    expect(markdown).toContain('# Replay report, 2026-01-01 to 2026-03-31');
    expect(markdown).toMatch(/\| Reminders sent after the invoice was settled \| 3 \| failed \|/);
    expect(markdown).toMatch(/\| E-3 \| EDGE \| 2026-03-20 10:00 \| 2026-03-20 10:00 \|/);
    expect(markdown).toContain('| Paid | 2 |');
    expect(markdown).toContain('Aged balance in EUR at the end of the last week of each month');
  });

  test('markdown in French uses French', () => {
    const markdown = renderReplayMarkdown(report, 'fr');

    expect(markdown).toContain('# Rapport de rejeu du 01/01/2026 au 31/03/2026');
    expect(markdown).toMatch(/\| Relances envoyées pendant un litige ouvert \| 2 \| échoué \|/);
    expect(markdown).toContain('| Payés | 2 |');
    expect(markdown).toContain('| 31/03/2026 |');
    expect(markdown).not.toContain('Reminders sent');
    expect(markdown).toContain('Référence tout courrier : chaque e-mail');
    expect(markdown).not.toContain('Letter-only baseline');
  });

  test('draws the aged balance', () => {
    const svg = renderAgedBalanceSvg(report, 'en');

    expect(svg).toContain('<svg');
    expect(svg).toContain('Aged balance in EUR per week');
    expect(svg.match(/<rect /g)?.length ?? 0).toBeGreaterThan(0);
  });
});

describe('saved replay reports', () => {
  test('saves, lists and reads back', async () => {
    const markdown = renderReplayMarkdown(report, 'en');

    const { id } = await saveReplayReport(db.sql, report, markdown);
    const listed = await listReplayReports(db.sql);
    const stored = await getReplayReport(db.sql, id);

    expect(listed[0]).toMatchObject({ id, sources: ['edge rows'], period: PERIOD, remindersAfterPayment: 3, remindersDuringDispute: 2 });
    expect(stored?.report).toEqual(report);
    expect(stored?.markdown).toBe(markdown);
    expect(await getReplayReport(db.sql, '00000000-0000-0000-0000-000000000000')).toBeNull();
  });
});
