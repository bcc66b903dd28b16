import { sleep } from '@temporalio/workflow';

/** Sleeps for `days` days of workflow time, then returns the number of days slept. */
export async function sleepForDays(days: number): Promise<number> {
  await sleep(`${days} days`);
  return days;
}
