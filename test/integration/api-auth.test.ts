import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { buildApp } from '../../api/app.js';
import { createApiKey, hashApiKey } from '../../api/services/api-keys.js';
import { loadEnv } from '../../config/env.js';
import { createTestDatabase } from '../support/postgres.js';
import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

describe('API keys', () => {
  it('rejects a request without key', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/customers' });

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('rejects an unknown key', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: 'Bearer rk_not-a-key' } });

    expect(response.statusCode).toBe(401);
  });

  it('serves public paths without key', async () => {
    const openapi = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    const docs = await api.app.inject({ method: 'GET', url: '/docs/' });

    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().openapi).toBe('3.1.0');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger-ui/i);
  });

  it('stores only the key hash', async () => {
    const { key, apiKey } = await createApiKey(api.database.sql, { name: 'hash check', scopes: ['read'] });

    const [row] = await api.database.sql<{ key_hash: string }[]>`select key_hash from api_keys where id = ${apiKey.id}`;
    expect(row!.key_hash).toBe(hashApiKey(key));
    expect(row!.key_hash).not.toContain(key);
    expect(key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
  });

  it('enforces the scope of each route', async () => {
    const customer = { externalRef: 'SCOPE-1', name: 'Scope SARL' };

    const readGet = await api.app.inject({ method: 'GET', url: '/v1/customers', headers: api.as.read });
    const readPost = await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.read, payload: customer });
    const writePost = await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.write, payload: customer });
    const writeAdmin = await api.app.inject({ method: 'GET', url: '/v1/webhooks', headers: api.as.write });
    const writeScenario = await api.app.inject({ method: 'POST', url: '/v1/scenarios', headers: api.as.write, payload: {} });
    const adminGet = await api.app.inject({ method: 'GET', url: '/v1/webhooks', headers: api.as.admin });

    expect(readGet.statusCode).toBe(200);
    expect(readPost.statusCode).toBe(403);
    expect(readPost.json().detail).toMatch(/needs write/);
    expect(writePost.statusCode).toBe(201);
    expect(writeAdmin.statusCode).toBe(403);
    expect(writeScenario.statusCode).toBe(403);
    expect(adminGet.statusCode).toBe(200);
  });

  it('rejects a revoked key at once', async () => {
    const created = await api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: api.as.admin, payload: { name: 'to revoke', scopes: ['read'] } });
    const { key, apiKey } = created.json() as { key: string; apiKey: { id: string } };
    const headers = { authorization: `Bearer ${key}` };

    const before = await api.app.inject({ method: 'GET', url: '/v1/customers', headers });
    const revoked = await api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${apiKey.id}`, headers: api.as.admin });
    const after = await api.app.inject({ method: 'GET', url: '/v1/customers', headers });

    expect(created.statusCode).toBe(201);
    expect(before.statusCode).toBe(200);
    expect(revoked.json().apiKey.revokedAt).toEqual(expect.any(String));
    expect(after.statusCode).toBe(401);
  });

  it('limits each key per minute', async () => {
    const limited = await createApiKey(api.database.sql, { name: 'limited', scopes: ['read'], rateLimitPerMinute: 3 });
    const headers = { authorization: `Bearer ${limited.key}` };

    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await api.app.inject({ method: 'GET', url: '/v1/customers', headers })).statusCode);
    const limitedResponse = await api.app.inject({ method: 'GET', url: '/v1/customers', headers });
    const otherKey = await api.app.inject({ method: 'GET', url: '/v1/customers', headers: api.as.read });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limitedResponse.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limitedResponse.headers['retry-after'])).toBeGreaterThan(0);
    expect(limitedResponse.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limitedResponse.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(otherKey.statusCode).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('describes every API route', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown>; security?: unknown[] }>>;
    };

    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    const documented = /^\/v1\/(customers|invoices|payments|cases|scenarios|imports|webhooks|api-keys)(\/|$)/;
    // The e-mail provider's callback and the portal link route document themselves in web/.
    const apiOperations = operations.filter(({ path }) => documented.test(path) && path !== '/v1/webhooks/resend' && !path.includes('/portal-link'));
    expect(apiOperations.length).toBeGreaterThan(20);
    for (const { path, method, operation } of apiOperations) {
      expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      expect(operation.summary, `${method} ${path} summary`).toEqual(expect.any(String));
      expect(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('2')), `${method} ${path} response`).toBe(true);
    }
    expect(operations.some(({ path }) => path.startsWith('/outbox') || path.startsWith('/portal'))).toBe(false);
  });
});

describe('development key', () => {
  it('creates one admin key once', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-dev-key-'));
    const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    const temporal = { client: environment.client, connection: environment.connection, taskQueue: 'development', close: async () => {} };
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    try {
      const first = await buildApp({ env, sql: database.sql, temporal, logger: pino({ level: 'silent' }) });
      const second = await buildApp({ env, sql: database.sql, temporal, logger: pino({ level: 'silent' }) });
      const file = path.join(dataDir, 'development-api-key');
      const key = (await readFile(file, 'utf8')).trim();
      const response = await first.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: `Bearer ${key}` } });

      expect(printed.mock.calls.filter(([text]) => String(text).includes(key))).toHaveLength(1);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(response.statusCode).toBe(200);
      const keys = await database.sql<{ name: string; scopes: string[] }[]>`select name, scopes from api_keys`;
      expect(keys).toEqual([{ name: 'development', scopes: ['admin'] }]);
      await first.close();
      await second.close();
    } finally {
      printed.mockRestore();
      await database.drop();
    }
  });
});
