// A worker for the reference workflows of bench/support/workflows/, on its own task queue.
import { fileURLToPath } from 'node:url';

import { NativeConnection, Worker } from '@temporalio/worker';

import type { Stack } from './stack.js';

export const REFERENCE_TASK_QUEUE = 'relance-bench-reference';
const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/empty.ts', import.meta.url));

/** Runs the reference worker until the stack stops. */
export async function startReferenceWorker(stack: Stack): Promise<void> {
  const connection = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({ connection, namespace: stack.env.TEMPORAL_NAMESPACE, taskQueue: REFERENCE_TASK_QUEUE, workflowsPath: WORKFLOWS_PATH });
  const running = worker.run();
  stack.onStop(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
}
