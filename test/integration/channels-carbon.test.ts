import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordCarbonLine } from '../../activities/carbon.js';
import { performLetterStep } from '../../activities/letter-step.js';
import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';
import { activityDeps, REMINDER_LETTER_STEP, seedCustomer, seedInvoice, stepInput } from './channels-support.js';

// The carbon API: totals per group from the ledger, each line with its factor, and the
// saving against a baseline where every e-mail and call is a posted letter.

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

interface Group {
  key: string;
  label: string;
  lineCount: number;
  gramsCo2e: number;
  baselineGramsCo2e: number;
  savingGramsCo2e: number;
  lines?: { channel: string; gramsCo2e: number; factor: { value: number; unit: string; source: string; year: number; scope: string } }[];
}

describe('carbon API', () => {
  test('sums channels against the baseline', async () => {
    const { sql } = api.database;
    const customer = await seedCustomer(sql, { externalRef: 'CARBON', name: 'Carbone SARL', address: '3 quai des Chartrons, 33000 Bordeaux, France' });
    const invoice = await seedInvoice(sql, { customerRef: 'CARBON', number: 'INV-15301', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' });
    const workflowId = `dunning-case-${invoice.id}`;
    await sql`
      insert into cases (workflow_id, invoice_id, customer_id, scenario_id, scenario_version, status, currency)
      values (${workflowId}, ${invoice.id}, ${customer.id}, 'default-fr', 1, 'active', 'EUR')`;
    const line = { workflowId, customerId: customer.id, messageId: null };
    await recordCarbonLine(sql, { ...line, idempotencyKey: 'carbon/email', channel: 'email', measure: { bytes: 0, recipients: 1 } });
    await recordCarbonLine(sql, { ...line, idempotencyKey: 'carbon/phone', channel: 'phone', measure: { minutes: 10 } });
    await recordCarbonLine(sql, { ...line, idempotencyKey: 'carbon/visit', channel: 'visit', measure: { km: 12 } });
    await performLetterStep(activityDeps(sql), await stepInput(sql, invoice, REMINDER_LETTER_STEP, '2025-07-03T07:00:00Z'));
    const [letter] = await sql<{ pages: number }[]>`select pages from letters where invoice_id = ${invoice.id}`;
    const sheets = letter?.pages ?? 0;
    const letterGrams = 20 + 5 * sheets;

    const byChannel = await api.app.inject({ method: 'GET', url: '/v1/carbon?groupBy=channel', headers: api.as.read });
    const byScenario = await api.app.inject({ method: 'GET', url: '/v1/carbon?groupBy=scenario&lines=false', headers: api.as.read });
    const byCustomer = await api.app.inject({ method: 'GET', url: `/v1/carbon?groupBy=customer&customerId=${customer.id}`, headers: api.as.read });

    expect(byChannel.statusCode).toBe(200);
    const body = byChannel.json() as { totals: Record<string, number>; baseline: { sheets: number; letterGramsCo2e: number; method: string }; groups: Group[] };
    const group = (key: string) => body.groups.find((candidate) => candidate.key === key);
    expect(body.baseline.sheets).toBe(sheets);
    expect(body.baseline.letterGramsCo2e).toBe(letterGrams);
    expect(body.baseline.method).toContain('every e-mail and every call is replaced by one posted letter');
    expect(group('email')).toMatchObject({ lineCount: 1, gramsCo2e: 4, baselineGramsCo2e: letterGrams, savingGramsCo2e: letterGrams - 4 });
    expect(group('phone')).toMatchObject({ gramsCo2e: 36, baselineGramsCo2e: letterGrams, savingGramsCo2e: letterGrams - 36 });
    expect(group('letter')).toMatchObject({ gramsCo2e: letterGrams, savingGramsCo2e: 0 });
    expect(group('visit')).toMatchObject({ gramsCo2e: 2280, savingGramsCo2e: 0 });
    expect(body.totals).toEqual({
      lines: 4,
      gramsCo2e: 4 + 36 + 2280 + letterGrams,
      baselineGramsCo2e: 3 * letterGrams + 2280,
      savingGramsCo2e: 2 * letterGrams - 40,
    });
    expect(group('email')?.lines?.[0]?.factor).toMatchObject({ value: 4, unit: 'message', year: 2019, scope: 'send, network and storage, one recipient' });
    expect(group('email')?.lines?.[0]?.factor.source).toContain('ADEME');

    const scenarios = (byScenario.json() as { groups: Group[] }).groups;
    expect(scenarios.map((entry) => [entry.key, entry.lineCount])).toEqual([['default-fr', 4]]);
    expect(scenarios[0]?.lines).toBeUndefined();
    expect((byCustomer.json() as { groups: Group[] }).groups.map((entry) => entry.label)).toEqual(['Carbone SARL']);
  });

  test('lists the factors with sources', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/carbon/factors', headers: api.as.read });

    const factors = (response.json() as { factors: { id: string; value: number; unit: string; source: string; current: boolean }[] }).factors;
    expect(factors.map((factor) => factor.id).sort()).toEqual(['email-base', 'email-per-mb', 'letter-postage', 'letter-sheet', 'phone-minute', 'registered-letter', 'visit-km']);
    expect(factors.every((factor) => factor.current && factor.source.length > 0)).toBe(true);
    expect(factors.find((factor) => factor.id === 'phone-minute')).toMatchObject({ value: 3.6, unit: 'minute' });
  });

  test('rejects an unknown grouping', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/carbon?groupBy=week', headers: api.as.read });

    expect(response.statusCode).toBe(400);
  });
});
