import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { withHeartbeats } from '../../worker/heartbeat.js';
import { runSlowStep, type SlowActivities } from '../support/workflows/slow-activity.js';
import { createDevEnvironment } from '../support/temporal.js';

const SLOW_WORKFLOWS = fileURLToPath(new URL('../support/workflows/slow-activity.ts', import.meta.url));

const activities: SlowActivities = {
  async slowStep(milliseconds) {
    await new Promise((resolve) => setTimeout(resolve, milliseconds));
    return Context.current().info.attempt;
  },
};

describe('activity heartbeats', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createDevEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function runWith(registered: SlowActivities): Promise<number> {
    const taskQueue = `heartbeat-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: SLOW_WORKFLOWS, activities: registered });
    return worker.runUntil(env.client.workflow.execute(runSlowStep, { args: [4_000], taskQueue, workflowId: `slow-${randomUUID()}` }));
  }

  it('keeps a slow activity alive', async () => {
    const attempt = await runWith(withHeartbeats(activities, 500));

    expect(attempt).toBe(1);
  });

  it('times out without heartbeats', async () => {
    const failure = await runWith(activities).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.cause)).toMatch(/heartbeat/i);
  });
});
