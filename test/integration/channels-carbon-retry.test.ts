import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { performDunningStep } from '../../activities/steps.js';
import { scenarioStepSchema } from '../../domain/scenario.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { activityDeps, seedCustomer, seedInvoice, stepInput } from './channels-support.js';

// A worker that dies after storing a reminder but before writing its carbon line: the
// retry finds the message under its key, sends nothing, and writes the missing line.

const REMINDER_STEP = scenarioStepSchema.parse({ key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('e-mail carbon line on retry', () => {
  it('writes the line a crash skipped', async () => {
    await seedCustomer(db.sql, { externalRef: 'CR', name: 'Carbone Retry SARL', contacts: [{ role: 'invoicing', email: 'billing@cr.example' }] });
    const invoice = await seedInvoice(db.sql, { customerRef: 'CR', number: 'CR-1', currency: 'EUR', totalMinor: 50_000, issueDate: '2026-01-05', dueDate: '2026-02-04' });
    const input = await stepInput(db.sql, invoice, REMINDER_STEP, '2026-02-09T08:00:00Z');
    const deps = activityDeps(db.sql);

    const first = await performDunningStep(deps, input);
    const [line] = await db.sql<{ grams_co2e: number }[]>`select grams_co2e::float8 as grams_co2e from carbon_ledger`;
    await db.sql`delete from carbon_ledger`;
    const retry = await performDunningStep(deps, input);

    const messages = await db.sql<{ id: string }[]>`select id from messages where channel = 'email'`;
    const lines = await db.sql<{ message_id: string; grams_co2e: number }[]>`select message_id, grams_co2e::float8 as grams_co2e from carbon_ledger`;
    expect(messages).toHaveLength(1);
    expect(retry).toMatchObject({ messageId: first.messageId });
    expect(lines).toEqual([{ message_id: messages[0]!.id, grams_co2e: line!.grams_co2e }]);
  });
});
