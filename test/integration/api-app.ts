// Builds the API against a test database and a Temporal dev server, with API keys of each scope.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';

import { buildApp } from '../../api/app.js';
import { createApiKey, type ApiKeyScope } from '../../api/services/api-keys.js';
import { ensureDefaultScenario } from '../../api/services/scenarios.js';
import type { TemporalHandle } from '../../api/temporal.js';
import { loadEnv } from '../../config/env.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

export interface TestApi {
  app: FastifyInstance;
  database: TestDatabase;
  /** Authorization headers of a key with each scope. */
  as: Record<ApiKeyScope, { authorization: string }>;
  close(): Promise<void>;
}

export async function createTestApi(
  environment: TestWorkflowEnvironment,
  taskQueue = `api-test-${Date.now()}`,
  settings: Record<string, string> = {},
  options: { logLevel?: string } = {},
): Promise<TestApi> {
  const database = await createTestDatabase();
  await ensureDefaultScenario(database.sql);
  const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'relance-api-')), ...settings });
  const temporal: TemporalHandle = { client: environment.client, connection: environment.connection, taskQueue, close: async () => {} };
  const app = await buildApp({ env, sql: database.sql, temporal, logger: pino({ level: options.logLevel ?? process.env.TEST_API_LOG_LEVEL ?? 'silent' }, pino.destination(2)) });
  await app.ready();

  const as = {} as TestApi['as'];
  for (const scope of ['read', 'write', 'admin'] as const) {
    const { key } = await createApiKey(database.sql, { name: `${scope} key`, scopes: [scope] });
    as[scope] = { authorization: `Bearer ${key}` };
  }

  return {
    app,
    database,
    as,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
