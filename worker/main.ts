import { connect } from '../db/client.js';
import { loadEnv } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { dispatchTaskQueueOf } from './worker-pair.js';
import { createWorker, installRuntimeLogger } from './worker.js';

const env = loadEnv();
const logger = createLogger('worker', env.LOG_LEVEL);
installRuntimeLogger(logger);

if (!env.DATABASE_URL) {
  logger.fatal('DATABASE_URL is unset: start the worker through `npm start`, or set DATABASE_URL');
  process.exit(1);
}

const sql = connect(env.DATABASE_URL);
const { worker, connection } = await createWorker({ env, sql, logger });
logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, dispatchTaskQueue: dispatchTaskQueueOf(env.TEMPORAL_TASK_QUEUE), namespace: env.TEMPORAL_NAMESPACE }, 'worker started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'worker stopping');
    worker.shutdown();
  });
}

await worker.run();
await connection.close();
await sql.end({ timeout: 5 });
logger.info('worker stopped');
