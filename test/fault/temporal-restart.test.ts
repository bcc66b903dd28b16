import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acceptedKeysByRecipient, actionsOfStep, rowTotals, statusesByKey } from './support/actions.js';
import { FaultStack, waitUntil } from './support/fault-stack.js';
import { faultScenario, OVERDUE_INVOICE } from './demo-scenario.js';

// The Temporal dev server stops (SIGTERM) while one reminder hangs at the provider, a
// customer's mailbox collects two steps and every case sleeps until its second step, and
// starts again on the same port with the same history file. The worker process stays up.

const SCENARIO = faultScenario('fault-temporal', [
  { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
  { key: 'r2', offsetMinutes: 1, channel: 'email', templateKey: 'reminder', tone: 'firm' },
]);

/** How long the server stays down, in milliseconds. */
const DOWNTIME_MS = 5_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.scenario(SCENARIO);
});

afterAll(async () => {
  await stack?.stop();
});

describe('Temporal server restarted', () => {
  test('cases resume without loss or repeat', { timeout: 300_000 }, async () => {
    const invoiceIds = await stack.soloAndGroupedInvoices(SCENARIO.id, OVERDUE_INVOICE, 'T');

    // SOLO's first reminder is still at the provider when the server stops.
    stack.fake.answerNext({ kind: 'hang', milliseconds: 8_000 });
    await stack.startWorker();
    for (const invoiceId of invoiceIds) await stack.startCase(invoiceId);
    await waitUntil(() => stack.fake.emailRequests().length === 1, 'the hanging request');

    await stack.stopTemporalServer();
    await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
    await stack.restartTemporalServer();
    expect(stack.worker?.isRunning).toBe(true);

    const states = await stack.waitForSteps(invoiceIds, 2, 240_000);

    for (const state of states) {
      expect(state.steps.map((step) => [step.stepKey, step.outcome])).toEqual([['r1', 'sent'], ['r2', 'sent']]);
    }
    const accepted = acceptedKeysByRecipient(stack.fake);
    expect(accepted.get('ap@solo.example')).toHaveLength(2);
    expect(accepted.get('ap@group.example')).toHaveLength(2);
    const firstKey = stack.fake.emailRequests()[0]?.idempotencyKey ?? '';
    expect(statusesByKey(stack.fake).get(firstKey)?.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    for (const invoiceId of invoiceIds) {
      for (const stepKey of ['r1', 'r2']) {
        expect(await actionsOfStep(stack.sql, invoiceId, stepKey)).toEqual({ messages: ['sent'], letters: 0, tasks: [], carbonLines: 1 });
      }
    }

    // r2 is the last step of the scenario, so each case ends handed over once it is done.
    expect(await stack.waitForEnd(invoiceIds)).toEqual(invoiceIds.map(() => ({ terminalState: 'handed_over' })));
    expect(await rowTotals(stack.sql, invoiceIds)).toEqual({ messages: 4, message_invoices: 6, letters: 0, tasks: 0, carbon_lines: 4, case_ended: 3 });
  });
});
