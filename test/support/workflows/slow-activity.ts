import { proxyActivities } from '@temporalio/workflow';

/** Activities of the heartbeat test: one that takes longer than the heartbeat timeout. */
export interface SlowActivities {
  slowStep(milliseconds: number): Promise<number>;
}

const { slowStep } = proxyActivities<SlowActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '2 seconds',
  retry: { maximumAttempts: 1 },
});

/** Runs one slow activity and returns the attempt that completed it. */
export async function runSlowStep(milliseconds: number): Promise<number> {
  return slowStep(milliseconds);
}
