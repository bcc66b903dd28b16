import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { performLetterStep } from '../../activities/letter-step.js';
import { loadLatePaymentRateTable } from '../../config/rates/late-payment-rates.js';
import { computeLatePaymentClaim } from '../../domain/penalties.js';
import { formatMoney } from '../../emails/format.js';
import { createDevEnvironment } from '../support/temporal.js';
import { flatText, parsePdfText } from '../unit/letters/fixtures.js';
import { createTestApi, type TestApi } from './api-app.js';
import { activityDeps, FORMAL_NOTICE_STEP, REMINDER_LETTER_STEP, seedCustomer, seedInvoice, stepInput } from './channels-support.js';

// Letters of the 'letter' and 'registered_letter' steps: rendered in the customer's
// language into the print queue, with their carbon line, then posted and received
// through the print-queue API.

let environment: TestWorkflowEnvironment;
let api: TestApi;

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

const ACTED_AT = '2025-08-04T07:00:00Z';

async function seedFrenchCase(ref: string) {
  const { sql } = api.database;
  await seedCustomer(sql, {
    externalRef: ref,
    name: 'Plâtrerie Industrielle SAS',
    siren: '732829320',
    language: 'fr',
    address: '12 rue des Forges, 69007 Lyon, France',
    contacts: [{ role: 'invoicing', email: `billing@${ref.toLowerCase()}.example` }],
  });
  return seedInvoice(sql, { customerRef: ref, number: 'INV-15001', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' });
}

describe('letter step', () => {
  test('formal notice in French', async () => {
    const { sql } = api.database;
    const invoice = await seedFrenchCase('PI-FR');

    const outcome = await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, FORMAL_NOTICE_STEP, ACTED_AT));

    expect(outcome.outcome).toBe('task_opened');
    const [letter] = await sql<{ id: string; kind: string; language: string; status: string; pages: number; pdf: Buffer }[]>`
      select id, kind, language, status, pages, pdf from letters where invoice_id = ${invoice.id}`;
    expect(letter?.kind).toBe('formal_notice');
    expect(letter?.language).toBe('fr');
    expect(letter?.status).toBe('queued');
    expect(letter?.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const claim = computeLatePaymentClaim({
      principalMinor: 64_000,
      currency: 'EUR',
      dueDate: '2025-06-18',
      asOf: '2025-08-04',
      customer: { isBusiness: true },
      rateTable: loadLatePaymentRateTable(),
    });
    expect(claim.interestMinor).toBeGreaterThan(0);
    const text = flatText(parsePdfText(letter?.pdf ?? Buffer.alloc(0)));
    expect(text).toContain('Lettre recommandée avec accusé de réception');
    expect(text).toContain('INV-15001');
    expect(text).toContain(flatText(formatMoney(claim.interestMinor, 'EUR', 'fr')));
    expect(text).toContain(flatText(formatMoney(4_000, 'EUR', 'fr')));

    const ledger = await sql<{ channel: string; grams_co2e: string; factor_id: string }[]>`
      select channel, grams_co2e, factor_id from carbon_ledger where workflow_id = ${`dunning-case-${invoice.id}`}`;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.channel).toBe('registered_letter');
    expect(ledger[0]?.factor_id).toBe('registered-letter');
    expect(Number(ledger[0]?.grams_co2e)).toBe(32 + 5 * (letter?.pages ?? 0));

    const [task] = await sql<{ id: string; kind: string; data: { letterId: string } }[]>`select id, kind, data from tasks where id = ${outcome.taskId ?? null}`;
    expect(task?.kind).toBe('letter');
    expect(task?.data.letterId).toBe(letter?.id);
  });

  test('reminder letter in English', async () => {
    const { sql } = api.database;
    await seedCustomer(sql, { externalRef: 'PI-EN', name: 'Pinewood Imports Ltd', vatNumber: 'GB123456789', language: 'en', address: '4 Mill Lane\nBristol BS1 4DJ\nUnited Kingdom' });
    const invoice = await seedInvoice(sql, { customerRef: 'PI-EN', number: 'INV-15002', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' });

    const outcome = await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, REMINDER_LETTER_STEP, ACTED_AT));

    expect(outcome.outcome).toBe('task_opened');
    const [letter] = await sql<{ kind: string; language: string; pages: number; pdf: Buffer }[]>`
      select kind, language, pages, pdf from letters where invoice_id = ${invoice.id}`;
    expect(letter?.kind).toBe('reminder_letter');
    expect(letter?.language).toBe('en');
    const text = flatText(parsePdfText(letter?.pdf ?? Buffer.alloc(0)));
    expect(text).toContain('INV-15002');
    expect(text).toContain('Bristol BS1 4DJ');
    expect(text).not.toContain('Lettre recommandée');

    const [line] = await sql<{ channel: string; grams_co2e: string }[]>`
      select channel, grams_co2e from carbon_ledger where workflow_id = ${`dunning-case-${invoice.id}`}`;
    expect(line?.channel).toBe('letter');
    expect(Number(line?.grams_co2e)).toBe(20 + 5 * (letter?.pages ?? 0));
  });

  test('same step prints once', async () => {
    const { sql } = api.database;
    const invoice = await seedFrenchCase('PI-TWICE');
    const input = await stepInput(sql, invoice, FORMAL_NOTICE_STEP, ACTED_AT);

    const first = await performLetterStep(activityDeps(sql), input);
    const second = await performLetterStep(activityDeps(sql), input);

    expect(second.taskId).toBe(first.taskId);
    const [counts] = await sql<{ letters: number; lines: number; tasks: number }[]>`
      select (select count(*) from letters where invoice_id = ${invoice.id})::int as letters,
        (select count(*) from carbon_ledger where workflow_id = ${input.workflowId})::int as lines,
        (select count(*) from tasks where invoice_id = ${invoice.id})::int as tasks`;
    expect(counts).toEqual({ letters: 1, lines: 1, tasks: 1 });
  });

  test('no postal address opens a task', async () => {
    const { sql } = api.database;
    await seedCustomer(sql, { externalRef: 'PI-NOADDR', name: 'Sans Adresse SARL', siren: '732829320', language: 'fr' });
    const invoice = await seedInvoice(sql, { customerRef: 'PI-NOADDR', number: 'INV-15003', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' });

    const outcome = await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, FORMAL_NOTICE_STEP, ACTED_AT));

    expect(outcome.outcome).toBe('not_deliverable');
    expect(outcome.detail).toBe('the customer has no postal address');
    const letters = await sql`select id from letters where invoice_id = ${invoice.id}`;
    expect(letters).toHaveLength(0);
    const [task] = await sql<{ kind: string }[]>`select kind from tasks where id = ${outcome.taskId ?? null}`;
    expect(task?.kind).toBe('not_deliverable');
  });
});

describe('print queue API', () => {
  test('lists queued letters with PDF', async () => {
    const { sql } = api.database;
    const invoice = await seedFrenchCase('PI-LIST');
    await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, FORMAL_NOTICE_STEP, ACTED_AT));

    const listed = await api.app.inject({ method: 'GET', url: '/v1/print-queue?status=queued', headers: api.as.read });
    const letter = (listed.json() as { letters: { id: string; invoiceId: string; status: string }[] }).letters.find((entry) => entry.invoiceId === invoice.id);
    const pdf = await api.app.inject({ method: 'GET', url: `/v1/print-queue/${letter?.id}/pdf`, headers: api.as.read });
    const dispatched = await api.app.inject({ method: 'GET', url: '/v1/print-queue?status=dispatched', headers: api.as.read });

    expect(listed.statusCode).toBe(200);
    expect(letter?.status).toBe('queued');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((dispatched.json() as { letters: { invoiceId: string }[] }).letters.some((entry) => entry.invoiceId === invoice.id)).toBe(false);
  });

  test('dispatch and receipt become case events', async () => {
    const { sql } = api.database;
    const invoice = await seedFrenchCase('PI-POST');
    await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, FORMAL_NOTICE_STEP, ACTED_AT));
    const [letter] = await sql<{ id: string }[]>`select id from letters where invoice_id = ${invoice.id}`;

    const early = await api.app.inject({ method: 'POST', url: `/v1/print-queue/${letter?.id}/receipt`, headers: api.as.write, payload: { outcome: 'delivered' } });
    const dispatch = await api.app.inject({
      method: 'POST',
      url: `/v1/print-queue/${letter?.id}/dispatch`,
      headers: api.as.write,
      payload: { dispatchedAt: '2025-08-04T10:00:00Z', trackingRef: '1A00012345678', author: 'marie' },
    });
    const again = await api.app.inject({ method: 'POST', url: `/v1/print-queue/${letter?.id}/dispatch`, headers: api.as.write, payload: { dispatchedAt: '2025-08-05T10:00:00Z' } });
    const receipt = await api.app.inject({
      method: 'POST',
      url: `/v1/print-queue/${letter?.id}/receipt`,
      headers: api.as.write,
      payload: { outcome: 'delivered', receivedAt: '2025-08-06T09:30:00Z' },
    });

    expect(early.statusCode).toBe(409);
    expect(dispatch.statusCode).toBe(200);
    expect(dispatch.json().letter).toMatchObject({ status: 'dispatched', trackingRef: '1A00012345678', dispatchedAt: '2025-08-04T10:00:00.000Z' });
    expect(again.json().letter.dispatchedAt).toBe('2025-08-04T10:00:00.000Z');
    expect(receipt.json().letter).toMatchObject({ status: 'delivered', receiptAt: '2025-08-06T09:30:00.000Z' });

    const events = await sql<{ type: string; source: string }[]>`
      select type, source from case_events where invoice_id = ${invoice.id} order by occurred_at, id`;
    expect(events).toEqual([
      { type: 'letter_dispatched', source: 'operator' },
      { type: 'letter_delivered', source: 'operator' },
    ]);
    const [task] = await sql<{ status: string }[]>`select status from tasks where invoice_id = ${invoice.id} and kind = 'letter'`;
    expect(task?.status).toBe('done');
  });
});
