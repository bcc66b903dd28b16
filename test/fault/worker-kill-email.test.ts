import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acceptedKeysByRecipient, actionsOfStep, rowTotals, statusesByKey } from './support/actions.js';
import { FaultStack, waitUntil } from './support/fault-stack.js';
import { faultScenario, OVERDUE_INVOICE } from './demo-scenario.js';

// The worker process dies by SIGKILL while two reminders are on their way: one request
// hangs at the provider, and the provider accepted the other, sent in a batch, but the
// worker never received the response. A new worker process takes over. Temporal retries
// each send once the lost attempt misses its heartbeat timeout (20 seconds).

const SCENARIO = faultScenario('fault-email', [
  { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
  { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
]);

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.scenario(SCENARIO);
});

afterAll(async () => {
  await stack?.stop();
});

describe('worker killed during a send', () => {
  test('each reminder delivered exactly once', { timeout: 300_000 }, async () => {
    const hanging = await stack.customer({
      externalRef: 'HANG', name: 'Hang SAS', scenarioId: SCENARIO.id, groupReminders: false,
      contacts: [{ role: 'invoicing', email: 'ap@hang.example' }],
    });
    const held = await stack.customer({
      externalRef: 'HELD', name: 'Held SAS', scenarioId: SCENARIO.id,
      contacts: [{ role: 'invoicing', email: 'ap@held.example' }],
    });
    const hangingInvoice = await stack.invoice(hanging, { number: 'INV-H1', ...OVERDUE_INVOICE });
    const heldInvoices = [await stack.invoice(held, { number: 'INV-G1', ...OVERDUE_INVOICE }), await stack.invoice(held, { number: 'INV-G2', ...OVERDUE_INVOICE })];
    const invoiceIds = [hangingInvoice.id, ...heldInvoices.map((invoice) => invoice.id)];

    // The first request hangs at the provider, and the worker dies before the provider responds.
    stack.fake.answerNext({ kind: 'hang', milliseconds: 90_000 });
    await stack.startWorker();
    await stack.startCase(hangingInvoice.id);
    await waitUntil(() => stack.fake.emailRequests().length === 1, 'the hanging request');

    // The provider accepts the grouped reminder of HELD, but its response never reaches the worker.
    stack.proxy.holdNextAcceptedAnswer('ap@held.example');
    for (const invoice of heldInvoices) await stack.startCase(invoice.id);
    const heldAnswer = await stack.proxy.nextHeld();

    await stack.killWorker();
    // HELD's e-mail went out in its send slot's batch, queued beforehand; nothing else was stored.
    expect(heldAnswer.idempotencyKey).toMatch(/^email-dispatch-/);
    const storedAtKill = await stack.sql<{ status: string }[]>`select status from messages`;
    expect(storedAtKill.map((row) => row.status)).toEqual(['queued']);

    await stack.startWorker();
    const states = await stack.waitForSteps(invoiceIds, 1, 200_000);

    for (const state of states) {
      expect(state.steps.map((step) => [step.stepKey, step.outcome])).toEqual([['r1', 'sent']]);
    }
    const accepted = acceptedKeysByRecipient(stack.fake);
    expect(accepted.get('ap@hang.example')).toHaveLength(1);
    expect(accepted.get('ap@held.example')).toHaveLength(1);
    const statuses = statusesByKey(stack.fake);
    // The hanging request got no response, and its retry went out under the same key.
    expect(statuses.get(accepted.get('ap@hang.example')?.[0] ?? '')).toEqual([0, 200]);
    // The provider accepted the withheld request, then served its retry from its idempotency cache.
    expect(statuses.get(heldAnswer.idempotencyKey ?? '')).toEqual([200, 200]);

    for (const invoiceId of invoiceIds) {
      expect(await actionsOfStep(stack.sql, invoiceId, 'r1')).toEqual({ messages: ['sent'], letters: 0, tasks: [], carbonLines: 1 });
    }

    for (const [index, number] of ['INV-H1', 'INV-G1', 'INV-G2'].entries()) {
      await stack.pay({ customerRef: index === 0 ? 'HANG' : 'HELD', reference: `VIR-${number}`, amountMinor: OVERDUE_INVOICE.totalMinor, currency: 'EUR', receivedOn: '2025-07-01', invoiceNumber: number });
    }
    expect(await stack.waitForEnd(invoiceIds)).toEqual(invoiceIds.map(() => ({ terminalState: 'paid' })));
    expect(await rowTotals(stack.sql, invoiceIds)).toEqual({ messages: 2, message_invoices: 3, letters: 0, tasks: 0, carbon_lines: 2, case_ended: 3 });
  });
});
