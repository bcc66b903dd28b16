import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/postgres.js';
import { acceptedKeysByRecipient, actionsOfStep, rowTotals, statusesByKey } from './support/actions.js';
import { FaultStack, waitUntil } from './support/fault-stack.js';
import { freePort } from './support/processes.js';
import { faultScenario, OVERDUE_INVOICE } from './demo-scenario.js';

// PostgreSQL stops while the provider delays a reminder and a mailbox collects two steps,
// so that the worker's writes fail after the provider accepted a message. It starts
// again on the same port and data folder. The worker and Temporal stay up.

const SCENARIO = faultScenario('fault-postgres', [
  { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
  { key: 'r2', offsetMinutes: 1, channel: 'email', templateKey: 'reminder', tone: 'firm' },
]);

/** How long PostgreSQL stays down, in milliseconds. */
const DOWNTIME_MS = 10_000;

let directory: string;
let port: number;
let postgres: RunningPostgres | null = null;
let stack: FaultStack;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'relance-fault-postgres-'));
  // As root the server runs as the `postgres` user, which needs to enter the folder.
  await chmod(directory, 0o755);
  port = await freePort();
  postgres = await startEmbeddedPostgres({ dataDir: path.join(directory, 'data'), port });
  await migrate(postgres.url);
  stack = await FaultStack.start({ databaseUrl: postgres.url });
  await stack.scenario(SCENARIO);
});

afterAll(async () => {
  await stack?.stop();
  await postgres?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('PostgreSQL restarted', () => {
  test('writes resume exactly once', { timeout: 300_000 }, async () => {
    const invoiceIds = await stack.soloAndGroupedInvoices(SCENARIO.id, OVERDUE_INVOICE, 'P');

    // The provider accepts SOLO's first reminder 3 s after PostgreSQL went down.
    stack.fake.answerNext({ kind: 'hang', milliseconds: 3_000 });
    await stack.startWorker();
    for (const invoiceId of invoiceIds) await stack.startCase(invoiceId);
    await waitUntil(() => stack.fake.emailRequests().length === 1, 'the held request');

    await postgres?.stop();
    postgres = null;
    await waitUntil(() => stack.fake.emailRequests()[0]?.status === 200, 'the provider to accept the first reminder');
    await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
    postgres = await startEmbeddedPostgres({ dataDir: path.join(directory, 'data'), port });
    expect(stack.worker?.isRunning).toBe(true);

    const states = await stack.waitForSteps(invoiceIds, 2, 240_000);

    for (const state of states) {
      expect(state.steps.map((step) => [step.stepKey, step.outcome])).toEqual([['r1', 'sent'], ['r2', 'sent']]);
    }
    const accepted = acceptedKeysByRecipient(stack.fake);
    expect(accepted.get('ap@solo.example')).toHaveLength(2);
    expect(accepted.get('ap@group.example')).toHaveLength(2);
    // The first reminder was accepted while the database was down, then once more from the provider's cache on retry.
    const firstKey = stack.fake.emailRequests()[0]?.idempotencyKey ?? '';
    expect(statusesByKey(stack.fake).get(firstKey)).toEqual([200, 200]);
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
