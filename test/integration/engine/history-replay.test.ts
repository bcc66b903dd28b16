import { Worker } from '@temporalio/worker';
import { describe, expect, test } from 'vitest';
import { bundleWorkflows } from '../../../worker/worker.js';
import { recordedHistories } from '../../support/histories.js';

// Every recorded history must replay on the current workflow code without a
// non-determinism error; otherwise running cases would fail after a deploy.

describe('recorded workflow histories', () => {
  const histories = recordedHistories();
  let bundle: ReturnType<typeof bundleWorkflows> | undefined;

  test('at least three histories are recorded', () => {
    expect(histories.length).toBeGreaterThanOrEqual(3);
  });

  test.each(histories.map((entry) => [entry.name, entry.history] as const))('%s replays', async (name, history) => {
    const workflowBundle = await (bundle ??= bundleWorkflows());
    await expect(
      Worker.runReplayHistory({ workflowBundle }, history, `replay-${name}`),
    ).resolves.toBeUndefined();
  });
});
