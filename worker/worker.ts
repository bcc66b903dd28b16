import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type NativeConnectionOptions, type WorkflowBundleWithSourceMap, Worker, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Sql } from '../db/client.js';
import { createActivities } from '../activities/index.js';
import { OutboxMailer, ResendMailer, type Mailer } from '../activities/mailer.js';
import { RateLimitedMailer, ResendBatchSender } from '../activities/resend-rate.js';
import { portalSecretOf, type Env } from '../config/env.js';
import { loadLatePaymentRateTable } from '../config/rates/late-payment-rates.js';
import { temporalConnectionOptions } from '../config/temporal.js';
import { withHeartbeats } from './heartbeat.js';
import { dispatchTaskQueueOf, WorkerPair } from './worker-pair.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const DISPATCH_CACHED_WORKFLOWS = 50;

let runtimeInstalled = false;

/** Routes the Temporal SDK's own logs (worker and Rust core) into the process's pino logger, once per process. */
export function installRuntimeLogger(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      const { message, meta, level } = entry;
      logger[levels[level]]({ ...meta, sdk: true }, message);
    }),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
}

export function createMailer(env: Env): Mailer {
  if (!env.RESEND_API_KEY) return new OutboxMailer();
  return new RateLimitedMailer(new ResendMailer(env.RESEND_API_KEY, env.RESEND_BASE_URL), {
    ratePerSecond: env.RESEND_RATE_LIMIT_PER_SECOND,
    batchSender: new ResendBatchSender(env.RESEND_API_KEY, env.RESEND_BASE_URL),
  });
}

export interface WorkerOptions {
  env: Env;
  sql: Sql;
  logger: Logger;
  mailer?: Mailer;
  connection?: NativeConnection;
  taskQueue?: string;
  /** The client that activities use to start customer mailboxes; one is connected from `env` when absent. */
  client?: Client;
  /** A bundle made once by bundleWorkflows(), so that several workers in one process skip the build. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** Builds the workflow bundle the worker runs in its sandbox. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

/**
 * Creates the workers that run dunning cases, mailboxes and e-mail dispatchers with their
 * activities, on the task queue and on its dispatch queue. The caller runs and shuts them down.
 */
export async function createWorker(options: WorkerOptions): Promise<{ worker: WorkerPair; connection: NativeConnection }> {
  const { env, sql, logger } = options;
  const connection = options.connection ?? (await NativeConnection.connect((await temporalConnectionOptions(env)) as NativeConnectionOptions));
  const taskQueue = options.taskQueue ?? env.TEMPORAL_TASK_QUEUE;
  let client: Promise<Client> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  const getClient = () =>
    (client ??= temporalConnectionOptions(env)
      .then((connectionOptions) => Connection.connect(connectionOptions))
      .then((connection) => new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })));
  const activities = createActivities({
    sql,
    temporal: { client: getClient, taskQueue, dispatchTaskQueue: dispatchTaskQueueOf(taskQueue) },
    logger,
    mailer: options.mailer ?? createMailer(env),
    company: { name: env.COMPANY_NAME, siren: env.COMPANY_SIREN, address: env.COMPANY_ADDRESS, senderEmail: env.COMPANY_SENDER_EMAIL, language: env.COMPANY_LANGUAGE },
    portal: { baseUrl: env.PORTAL_BASE_URL, secrets: portalSecretOf(env), linkTtlDays: env.PORTAL_LINK_TTL_DAYS },
    rateTable: loadLatePaymentRateTable(),
  });

  // Both workers share one bundle, and one set of activities, so one rate limiter paces the provider.
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());
  const registered = withHeartbeats(activities);
  const cases = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle,
    activities: registered,
    ...(env.WORKER_MAX_CACHED_WORKFLOWS === undefined ? {} : { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS }),
  });
  const dispatch = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: dispatchTaskQueueOf(taskQueue),
    workflowBundle,
    activities: registered,
    // Each send slot has one dispatcher, and only a few slots overlap.
    maxCachedWorkflows: DISPATCH_CACHED_WORKFLOWS,
  });
  return { worker: new WorkerPair(cases, dispatch), connection };
}
