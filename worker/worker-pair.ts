import type { State, Worker, WorkerStatus } from '@temporalio/worker';

/** Returns the task queue of the send slots' e-mail dispatchers, beside the cases' queue. */
export function dispatchTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-email-dispatch`;
}

/**
 * Pair of workers in one process: one polls the cases' and mailboxes' task queue, the other
 * the e-mail dispatchers' queue. A dispatcher serves every customer of a send slot, so its
 * workflow tasks must not wait behind the case tasks of a busy slot. The pair runs, stops
 * and reports as one worker.
 */
export class WorkerPair {
  constructor(
    readonly cases: Worker,
    readonly dispatch: Worker,
  ) {}

  /** Runs both workers until both stop. When one fails, stops the other and raises the failure. */
  async run(): Promise<void> {
    const runs = [this.cases.run(), this.dispatch.run()];
    try {
      await Promise.all(runs);
    } catch (error) {
      this.shutdown();
      await Promise.allSettled(runs);
      throw error;
    }
  }

  /** Runs both workers until `until` settles, then stops them and returns its result. */
  async runUntil<R>(until: Promise<R> | (() => Promise<R>)): Promise<R> {
    const promise = typeof until === 'function' ? until() : until;
    const [result] = await Promise.all([this.cases.runUntil(promise), this.dispatch.runUntil(promise)]);
    return result;
  }

  shutdown(): void {
    for (const worker of [this.cases, this.dispatch]) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  /** Returns the cases worker's state, or FAILED when either worker failed. */
  getState(): State {
    return this.dispatch.getState() === 'FAILED' ? 'FAILED' : this.cases.getState();
  }

  /** Returns the cases worker's status with the work in flight and cached on both workers. */
  getStatus(): WorkerStatus {
    const cases = this.cases.getStatus();
    const dispatch = this.dispatch.getStatus();
    return {
      ...cases,
      runState: this.getState(),
      numInFlightWorkflowActivations: cases.numInFlightWorkflowActivations + dispatch.numInFlightWorkflowActivations,
      numInFlightActivities: cases.numInFlightActivities + dispatch.numInFlightActivities,
      numInFlightNonLocalActivities: cases.numInFlightNonLocalActivities + dispatch.numInFlightNonLocalActivities,
      numInFlightLocalActivities: cases.numInFlightLocalActivities + dispatch.numInFlightLocalActivities,
      numCachedWorkflows: cases.numCachedWorkflows + dispatch.numCachedWorkflows,
      numHeartbeatingActivities: cases.numHeartbeatingActivities + dispatch.numHeartbeatingActivities,
    };
  }
}
