// The API as a collector reaches it in the task tests, over the engine's database and
// Temporal, and the scenario those tests run.
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../api/app.js';
import { createApiKey } from '../../api/services/api-keys.js';
import { loadEnv } from '../../config/env.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { silentLogger, type Engine } from '../support/engine.js';

/** Returns a scenario with a call as soon as the case starts, then an e-mail ten hours later, so the case is still running after the call. */
export function callFirstScenario(id: string): ScenarioInput {
  return {
    id,
    version: 1,
    name: { fr: 'Appel d’abord', en: 'Call first' },
    mode: 'demo',
    steps: [
      { key: 'call', offsetMinutes: 0, channel: 'phone', templateKey: 'call', tone: 'firm' },
      { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
    ],
  };
}

/** Builds the API on the engine's stack, with the authorization header of a key that may write. */
export async function startCollectorApi(engine: Engine): Promise<{ app: FastifyInstance; headers: { authorization: string } }> {
  const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', COMPANY_NAME: 'Relance Demo SAS' });
  const app = await buildApp({ env, sql: engine.db.sql, temporal: engine.temporal, logger: silentLogger });
  await app.ready();
  const { key } = await createApiKey(engine.db.sql, { name: 'collector', scopes: ['write'] });
  return { app, headers: { authorization: `Bearer ${key}` } };
}
