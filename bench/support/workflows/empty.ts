// Reference workflows for the benchmarks: the least a Temporal workflow can do, to measure
// what the server and SDK cost on their own.
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const pingSignal = defineSignal<[number]>('ping');
export const lastPingQuery = defineQuery<number>('lastPing');

/** Returns at once. */
export async function emptyWorkflow(): Promise<void> {}

/** Keeps the value of the last ping signal for the lastPing query; ends on a ping of 0. */
export async function echoWorkflow(): Promise<void> {
  let last = -1;
  setHandler(pingSignal, (value) => {
    last = value;
  });
  setHandler(lastPingQuery, () => last);
  await condition(() => last === 0);
}
