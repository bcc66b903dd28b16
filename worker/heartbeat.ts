import { Context } from '@temporalio/activity';

/** Interval between heartbeats of a running activity; workflows set a heartbeat timeout a few times longer. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activities take and return any serializable value
type ActivityFunction = (...args: any[]) => Promise<unknown>;

/**
 * Wraps each activity so that it heartbeats while it runs. A worker that dies stops
 * heartbeating, so Temporal retries its activities after the heartbeat timeout rather than
 * after the whole start-to-close timeout.
 */
export function withHeartbeats<T extends object>(activities: T, intervalMs = HEARTBEAT_INTERVAL_MS): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, activity] of Object.entries(activities) as [string, ActivityFunction][]) {
    wrapped[name] = async (...args: unknown[]) => {
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), intervalMs);
      try {
        return await activity(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
