import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReservedSql } from 'postgres';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { actionsOfStep, rowTotals } from './support/actions.js';
import { FaultStack, waitFor } from './support/fault-stack.js';
import { faultScenario, OVERDUE_INVOICE } from './demo-scenario.js';

// The worker process dies by SIGKILL while two formal notices are being produced. A lock
// on carbon_ledger stops each letter step before its last writes, so the kill always lands
// inside the activity: one case is past its PDF and its stored letter, the other has just
// started. A new worker process takes over once the lost attempts miss their heartbeat
// timeout (20 seconds).

const SCENARIO = faultScenario('fault-letter', [
  { key: 'r1', offsetMinutes: 0, channel: 'registered_letter', templateKey: 'formal-notice', tone: 'formal_notice' },
  { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
]);

// Values of temporal.api.enums.v1.PendingActivityState.
const PENDING_ACTIVITY_STARTED = 2;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.scenario(SCENARIO);
});

afterAll(async () => {
  await stack?.stop();
});

function businessCustomer(ref: string) {
  return stack.customer({
    externalRef: ref, name: `${ref} Industrie SAS`, siren: '732829320', language: 'fr', scenarioId: SCENARIO.id,
    address: '12 rue des Forges, 69007 Lyon, France', contacts: [{ role: 'invoicing', email: `ap@${ref.toLowerCase()}.example` }],
  });
}

/** Returns true while the case's performStep activity has started on a worker and not finished. */
async function isStepRunning(invoiceId: string): Promise<true | undefined> {
  const description = await stack.temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).describe();
  const running = description.raw.pendingActivities?.some((activity) => activity.activityType?.name === 'performStep' && activity.state === PENDING_ACTIVITY_STARTED);
  return running ? true : undefined;
}

/** Attempts of the activity that completed the case's performStep, from its history. */
async function completedStepAttempts(invoiceId: string): Promise<number[]> {
  const history = await stack.temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Set(events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'performStep').map((event) => String(event.eventId)));
  return events
    .filter((event) => scheduled.has(String(event.activityTaskStartedEventAttributes?.scheduledEventId ?? '')))
    .map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0);
}

describe('worker killed during a letter', () => {
  test('each formal notice produced exactly once', { timeout: 300_000 }, async () => {
    const stored = await businessCustomer('STORED');
    const starting = await businessCustomer('START');
    const storedInvoice = await stack.invoice(stored, { number: 'INV-L1', ...OVERDUE_INVOICE });
    const startingInvoice = await stack.invoice(starting, { number: 'INV-L2', ...OVERDUE_INVOICE });
    const invoiceIds = [storedInvoice.id, startingInvoice.id];

    let lock: ReservedSql | null = await stack.sql.reserve();
    try {
      await lock`begin`;
      await lock`lock table carbon_ledger in share mode`;
      await stack.startWorker();

      await stack.startCase(storedInvoice.id);
      await waitFor(async () => ((await stack.sql`select 1 from letters where invoice_id = ${storedInvoice.id}`).length > 0 ? true : undefined), 'the first letter to be stored');
      await stack.startCase(startingInvoice.id);
      await waitFor(() => isStepRunning(startingInvoice.id), 'the second letter step to start', 30_000);

      await stack.killWorker();
    } finally {
      await lock`rollback`;
      lock.release();
      lock = null;
    }
    const tasksAtKill = await stack.sql`select 1 from tasks where invoice_id in ${stack.sql(invoiceIds)}`;
    expect(tasksAtKill).toHaveLength(0);

    await stack.startWorker();
    const states = await stack.waitForSteps(invoiceIds, 1, 200_000);

    for (const state of states) {
      expect(state.steps.map((step) => [step.stepKey, step.channel, step.outcome])).toEqual([['r1', 'registered_letter', 'task_opened']]);
    }
    for (const invoiceId of invoiceIds) {
      expect(await completedStepAttempts(invoiceId)).toEqual([2]);
      expect(await actionsOfStep(stack.sql, invoiceId, 'r1')).toEqual({ messages: [], letters: 1, tasks: ['letter'], carbonLines: 1 });
    }

    await stack.pay({ customerRef: 'STORED', reference: 'VIR-L1', amountMinor: OVERDUE_INVOICE.totalMinor, currency: 'EUR', receivedOn: '2025-08-10', invoiceNumber: 'INV-L1' });
    await stack.pay({ customerRef: 'START', reference: 'VIR-L2', amountMinor: OVERDUE_INVOICE.totalMinor, currency: 'EUR', receivedOn: '2025-08-10', invoiceNumber: 'INV-L2' });
    expect(await stack.waitForEnd(invoiceIds)).toEqual([{ terminalState: 'paid' }, { terminalState: 'paid' }]);
    expect(await rowTotals(stack.sql, invoiceIds)).toEqual({ messages: 0, message_invoices: 0, letters: 2, tasks: 2, carbon_lines: 2, case_ended: 2 });
    expect(stack.fake.emailRequests()).toHaveLength(0);
  });
});
