import type * as Testing from '@temporalio/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerStatus } from '@temporalio/worker';

import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../domain/search-attributes.js';
import { readManifest } from '../scripts/tools/manifest.mjs';

// The replay's clock: Temporal's Java time-skipping test server, started at the first
// instant of the history. The server skips ahead to the next timer whenever no workflow
// task or activity is outstanding, so two years of dunning run in minutes.

// sdk-core gives an ephemeral server 5 seconds to accept connections, which a loaded
// machine can exceed; a second attempt usually starts in time.
const START_ATTEMPTS = 3;

// Values of temporal.api.enums.v1.IndexedValueType.
const INDEXED_VALUE_TYPES = { Keyword: 2, Int: 3, Datetime: 6 } as const;

/** Polls of the worker that must all find it idle before the replay applies its next events. */
const IDLE_POLLS = 3;
const IDLE_POLL_MS = 10;

function testServerPath(): string {
  const path = readManifest()?.testServer?.path;
  if (!path) {
    throw new Error('the Temporal test server is missing: run `npm run setup -- --test-server` (it needs java, javac, jar and mvn on the PATH), then replay again');
  }
  return path;
}

async function loadTesting(): Promise<typeof Testing> {
  try {
    return await import('@temporalio/testing');
  } catch (error) {
    throw new Error('@temporalio/testing is not installed: the replay needs the development dependencies (`npm install` without --omit=dev)', { cause: error });
  }
}

/** Starts the time-skipping test server on 127.0.0.1 with its clock at `startAt`, with Relance's search attributes. */
export async function startReplayServer(startAt: string): Promise<TestWorkflowEnvironment> {
  const { TestWorkflowEnvironment } = await loadTesting();
  const path = testServerPath();

  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; env === undefined; attempt += 1) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path }, extraArgs: ['--start-time', startAt] },
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.message.includes('did not start within');
      if (!timedOut || attempt === START_ATTEMPTS) throw error;
    }
  }

  // The test server starts without custom search attributes; the dev server gets them as flags.
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTE_DEFINITIONS.map((definition) => [definition.name, INDEXED_VALUE_TYPES[definition.type]]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}

/** Moves the server's clock forward to `instant`; timers on the way fire and their work runs before the clock passes them. */
export async function advanceTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const milliseconds = Date.parse(instant) - (await env.currentTimeMs());
  if (milliseconds > 0) await env.sleep(milliseconds);
}

function isIdle(worker: { getStatus(): WorkerStatus }): boolean {
  const status = worker.getStatus();
  return status.numInFlightActivities === 0 && status.numInFlightWorkflowActivations === 0;
}

/**
 * Waits in real time until the worker runs no activity and no workflow activation on
 * several polls in a row, so that the work of the instant the clock reached is done.
 * NOTE: a task the server has queued but not yet handed to the worker is invisible here;
 * the consecutive polls leave it time to arrive.
 */
export async function waitForIdle(worker: { getStatus(): WorkerStatus }): Promise<void> {
  let idlePolls = 0;
  while (idlePolls < IDLE_POLLS) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    idlePolls = isIdle(worker) ? idlePolls + 1 : 0;
  }
}
