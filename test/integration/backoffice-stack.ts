// A running Relance for back-office tests: a Temporal dev server, a test database with
// the default scenario, a real worker and the API listening on a free port.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { OutboxMailer } from '../../activities/mailer.js';
import { buildApp } from '../../api/app.js';
import { ensureDefaultScenario } from '../../api/services/scenarios.js';
import type { TemporalHandle } from '../../api/temporal.js';
import { loadEnv, type Env } from '../../config/env.js';
import { createWorker, installRuntimeLogger } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createDevEnvironment } from '../support/temporal.js';
import type { PortalStack } from './portal-harness.js';

installRuntimeLogger(pino({ level: 'warn' }));

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Starts the stack; the worker's activities get the test server's client, whichever Temporal address the environment names. */
export async function startBackofficeStack(): Promise<PortalStack> {
  const port = await freePort();
  const temporalEnv = await createDevEnvironment();
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-backoffice-'));
  const taskQueue = `backoffice-${randomUUID()}`;
  await ensureDefaultScenario(db.sql);

  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const env: Env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    PORTAL_SECRET: 'backoffice-test-secret-0123456789abcdefghijkl',
    PORTAL_BASE_URL: `http://127.0.0.1:${port}/portal`,
  });
  const temporal: TemporalHandle = { client: temporalEnv.client, connection: temporalEnv.connection, taskQueue, close: async () => {} };

  const workerOptions = { env, sql: db.sql, logger: pino({ level: 'silent' }), mailer: new OutboxMailer(), connection: temporalEnv.nativeConnection, taskQueue, client: temporalEnv.client };
  const { worker } = await createWorker(workerOptions);
  const running = worker.run();

  const app: FastifyInstance = await buildApp({ env, sql: db.sql, temporal, logger });
  await app.listen({ host: '127.0.0.1', port });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    env,
    db: db as TestDatabase,
    temporal,
    logLines,
    apiHeaders: {},
    dataDir,
    close: async () => {
      await app.close();
      worker.shutdown();
      await running;
      await temporalEnv.teardown();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
