import { fileURLToPath } from 'node:url';

import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { runReplayCommand, type ReplayCommandResult } from '../../cli/commands/replay.js';
import { connect, type Sql } from '../../db/client.js';
import { addDays } from '../../domain/dates.js';
import { writeArHistory, type GeneratedInvoice } from '../support/ar-history.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

// Replays small histories through the command's own code path, then checks the replay
// database with SQL of its own. It expects no reminder after a payment or a dispute, one
// start and at most one end per case, a carbon line per message and letter, grouped e-mails.

const FEC_FIXTURE = fileURLToPath(new URL('../fixtures/imports/fec_fr_producteur_jus_2023_pseudonymise.txt', import.meta.url));

let application: TestDatabase;

beforeAll(async () => {
  application = await createTestDatabase();
});

afterAll(async () => {
  await application.drop();
});

async function replay(files: string[], limit?: number): Promise<{ result: ReplayCommandResult; sql: Sql; drop: () => Promise<void> }> {
  const result = await runReplayCommand(files, {
    scenario: 'default-fr',
    limit,
    keepDatabase: true,
    caseStart: 'issue-date',
    logLevel: 'silent',
    databaseUrl: application.url,
  });
  const sql = connect(result.run.database.url, { max: 2 });
  const drop = async () => {
    await sql.end();
    const admin = postgres(application.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${result.run.database.name}" with (force)`);
    await admin.end();
  };
  return { result, sql, drop };
}

/** Reminders (e-mails carrying the invoice, and step actions of its case) dated after the invoice was fully settled. */
async function remindersAfterSettlement(sql: Sql) {
  return sql<{ number: string; kind: string; at: Date; settled_at: Date }[]>`
    with settled as (
      select i.id, i.number, (max(coalesce(p.received_on, cn.issue_date))::timestamp at time zone c.time_zone) as settled_at
      from invoices i join customers c on c.id = i.customer_id join allocations a on a.invoice_id = i.id
      left join payments p on p.id = a.payment_id left join invoices cn on cn.id = a.credit_note_id
      where i.kind = 'invoice'
      group by i.id, i.number, c.time_zone
      having sum(a.amount_minor) >= i.total_minor - 10
    )
    select s.number, 'email' as kind, m.sent_at as at, s.settled_at
    from settled s join message_invoices mi on mi.invoice_id = s.id join messages m on m.id = mi.message_id
    where m.sent_at > s.settled_at
    union all
    select s.number, e.type, e.occurred_at, s.settled_at
    from settled s join case_events e on e.invoice_id = s.id
    where e.type like 'step\\_%' and e.occurred_at > s.settled_at`;
}

/** Reminders dated after the invoice's dispute opened; replayed disputes are never resolved. */
async function remindersAfterDispute(sql: Sql) {
  return sql<{ number: string; kind: string; at: Date }[]>`
    with disputed as (
      select e.invoice_id, min(e.occurred_at) as opened_at from case_events e where e.type = 'dispute_opened' group by e.invoice_id
    )
    select i.number, 'email' as kind, m.sent_at as at
    from disputed d join invoices i on i.id = d.invoice_id join message_invoices mi on mi.invoice_id = d.invoice_id
    join messages m on m.id = mi.message_id
    where m.sent_at > d.opened_at
    union all
    select i.number, e.type, e.occurred_at
    from disputed d join invoices i on i.id = d.invoice_id join case_events e on e.invoice_id = d.invoice_id
    where e.type like 'step\\_%' and e.occurred_at > d.opened_at`;
}

async function expectCaseInvariants(sql: Sql) {
  const starts = await sql<{ workflow_id: string; started: number; ended: number }[]>`
    select c.workflow_id,
      (select count(*) from case_events e where e.workflow_id = c.workflow_id and e.type = 'case_started')::int as started,
      (select count(*) from case_events e where e.workflow_id = c.workflow_id and e.type = 'case_ended')::int as ended
    from cases c`;
  expect(starts.length).toBeGreaterThan(0);
  expect(starts.filter((row) => row.started !== 1)).toEqual([]);
  expect(starts.filter((row) => row.ended > 1)).toEqual([]);

  const [withoutCase] = await sql<{ count: number }[]>`
    select count(*)::int as count from invoices i
    where i.kind = 'invoice' and i.total_minor > 0 and not exists (select 1 from cases c where c.invoice_id = i.id)`;
  expect(withoutCase?.count).toBe(0);

  const endedWithoutEvent = await sql<{ workflow_id: string }[]>`
    select c.workflow_id from cases c
    where c.terminal_state is not null and not exists (select 1 from case_events e where e.workflow_id = c.workflow_id and e.type = 'case_ended')`;
  expect(endedWithoutEvent).toEqual([]);
}

async function expectCarbonAndGrouping(sql: Sql) {
  const messagesWithoutCarbon = await sql<{ id: string }[]>`
    select m.id from messages m
    where m.status in ('sent', 'outbox') and not exists (select 1 from carbon_ledger l where l.message_id = m.id)`;
  expect(messagesWithoutCarbon).toEqual([]);

  const lettersWithoutCarbon = await sql<{ id: string }[]>`
    select l.id from letters l where not exists (select 1 from carbon_ledger cl where cl.idempotency_key = l.idempotency_key)`;
  expect(lettersWithoutCarbon).toEqual([]);

  const [grouping] = await sql<{ messages: number; lines: number }[]>`
    select (select count(*) from messages where channel = 'email')::int as messages, (select count(*) from message_invoices)::int as lines`;
  expect(grouping!.messages).toBeLessThanOrEqual(grouping!.lines);
}

describe('relance replay', () => {
  test('FEC ledger replays without late reminders', async () => {
    const { result, sql, drop } = await replay([FEC_FIXTURE], 30);
    try {
      expect(result.run.period).toEqual({ from: '2023-01-01', to: expect.stringMatching(/^2023-/) });
      expect(result.run.invoices).toBe(30);
      expect(result.run.outcomes.case_started).toBe(result.run.events.case_start);

      const [emails] = await sql<{ count: number }[]>`select count(*)::int as count from messages where channel = 'email' and status = 'outbox'`;
      expect(emails!.count).toBeGreaterThan(0);
      expect(await remindersAfterSettlement(sql)).toEqual([]);
      await expectCaseInvariants(sql);
      await expectCarbonAndGrouping(sql);

      const [saved] = await application.sql<{ count: number }[]>`select count(*)::int as count from replay_reports where id = ${result.reportId}`;
      expect(saved!.count).toBe(1);
    } finally {
      await drop();
    }
  }, 120_000);

  test('AR history replays every profile', async () => {
    // 2025 dates: the late-payment rate table starts in 2023, and the default scenario claims penalties.
    const { file, invoices } = await writeArHistory({ customers: 4, invoices: 24, firstIssueDate: '2025-01-06', spanDays: 50 });
    const { result, sql, drop } = await replay([file]);
    const numbersOf = (profile: GeneratedInvoice['profile']) => invoices.filter((invoice) => invoice.profile === profile).map((invoice) => invoice.invoiceNumber).sort();
    try {
      expect(result.run.invoices).toBe(24);
      expect(result.run.customers).toBe(4);

      const cases = await sql<{ number: string; terminal_state: string | null }[]>`
        select i.number, c.terminal_state from cases c join invoices i on i.id = c.invoice_id order by i.number`;
      expect(cases).toHaveLength(24);
      const stateOf = new Map(cases.map((row) => [row.number, row.terminal_state]));
      for (const number of [...numbersOf('paid_early'), ...numbersOf('paid_late'), ...numbersOf('disputed')]) expect(stateOf.get(number), number).toBe('paid');
      for (const number of numbersOf('never_paid')) expect(stateOf.get(number), number).toBeNull();

      const disputed = await sql<{ number: string }[]>`
        select distinct i.number from case_events e join invoices i on i.id = e.invoice_id where e.type = 'dispute_opened' and e.source = 'portal' order by i.number`;
      expect(disputed.map((row) => row.number)).toEqual(numbersOf('disputed'));

      // R1 goes out at J+5, moved to the next business day: within 10 days of the due date.
      const remindable = invoices
        .filter((invoice) => invoice.profile === 'never_paid' && addDays(invoice.dueDate, 10) <= result.run.period.to)
        .map((invoice) => invoice.invoiceNumber);
      expect(remindable.length).toBeGreaterThan(0);
      const reminded = await sql<{ number: string }[]>`
        select distinct i.number from message_invoices mi join invoices i on i.id = mi.invoice_id
        where i.number = any(${remindable}) and mi.step_key = 'r1' order by i.number`;
      expect(reminded.map((row) => row.number)).toEqual(remindable.sort());

      expect(await remindersAfterSettlement(sql)).toEqual([]);
      expect(await remindersAfterDispute(sql)).toEqual([]);
      await expectCaseInvariants(sql);
      await expectCarbonAndGrouping(sql);
      expect(result.summary).toMatch(/reminders after payment {3}0\n/);
    } finally {
      await drop();
    }
  }, 120_000);
});
