// Fuzzes the API from its own OpenAPI document with schemathesis: generated requests must
// never get a server error or a response that breaks its documented schema. Schemathesis
// is installed into .tools/venv on first use; the test is skipped, with a warning, only
// when neither pip nor the package can be had.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerPair } from '../../worker/worker-pair.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApiKey } from '../../api/services/api-keys.js';
import { loadEnv } from '../../config/env.js';
import { createWorker } from '../../worker/worker.js';
import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const venv = path.join(root, '.tools', 'venv');
const schemathesisPath = path.join(venv, 'bin', 'schemathesis');

/** Returns the schemathesis executable, installing it when absent, or the reason it cannot be had. */
async function ensureSchemathesis(): Promise<{ path: string } | { missing: string }> {
  if (existsSync(schemathesisPath)) return { path: schemathesisPath };
  try {
    if (!existsSync(path.join(venv, 'bin', 'pip'))) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', 'schemathesis'], { timeout: 300_000 });
  } catch (error) {
    return { missing: (error as Error).message.split('\n')[0] ?? 'pip failed' };
  }
  return existsSync(schemathesisPath) ? { path: schemathesisPath } : { missing: 'pip ran but installed no schemathesis executable' };
}

let environment: TestWorkflowEnvironment;
let api: TestApi;
let baseUrl: string;
let apiKey: string;
let schemathesis: { path: string } | { missing: string };
let worker: WorkerPair;
let workerRun: Promise<void>;

beforeAll(async () => {
  schemathesis = await ensureSchemathesis();
  environment = await createDevEnvironment();
  const taskQueue = `api-fuzz-${Date.now()}`;
  // Errors go to stderr, so a server error the fuzzer finds shows its cause in the test output.
  api = await createTestApi(environment, taskQueue, {}, { logLevel: 'error' });
  // A worker runs the cases that generated invoices start, so case reads and updates get a response.
  ({ worker } = await createWorker({ env: loadEnv({ NODE_ENV: 'test', TEMPORAL_ADDRESS: environment.address }), sql: api.database.sql, logger: pino({ level: 'silent' }), connection: environment.nativeConnection, taskQueue }));
  workerRun = worker.run();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  ({ key: apiKey } = await createApiKey(api.database.sql, { name: 'fuzz', scopes: ['admin'], rateLimitPerMinute: 100_000 }));

  await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.write, payload: { externalRef: 'FUZZ-1', name: 'Fuzz SAS' } });
  await api.app.inject({ method: 'POST', url: '/v1/invoices', headers: api.as.write, payload: { customerRef: 'FUZZ-1', number: 'F-Z1', currency: 'EUR', totalMinor: 10_000, issueDate: '2026-01-02', dueDate: '2026-02-01', startCase: false } });
}, 600_000);

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await api?.close();
  await environment?.teardown();
});

describe('API fuzzing', () => {
  it('answers generated requests within schema', { timeout: 180_000 }, async (context) => {
    if ('missing' in schemathesis) {
      console.warn(`\n*** SKIPPED: schemathesis is not installed and could not be (${schemathesis.missing}); the API was not fuzzed. ***\n`);
      context.skip();
      return;
    }

    // Case actions take free-form update inputs, which the workflow validates; they are tested with the workflow.
    // FUZZ_SEED runs another seed by hand. The API bounds its own waits on Temporal (5 s for a
    // case's live state), so the generous request timeout only absorbs a loaded machine.
    const result = await run(
      schemathesis.path,
      [
        'run', `${baseUrl}/openapi.json`,
        '--checks', 'not_a_server_error,response_schema_conformance',
        '--phases', 'examples,coverage,fuzzing',
        '--max-examples', '8',
        '--max-time', '50',
        '--workers', '1',
        '--seed', process.env.FUZZ_SEED ?? '20260301',
        '--request-timeout', '30',
        '--include-path-regex', '^/v1/(customers|invoices|payments|cases|scenarios|webhooks|api-keys|imports)',
        '--exclude-path-regex', '(/case/\\{action\\}|/portal-link|/webhooks/resend)',
        '--header', `Authorization: Bearer ${apiKey}`,
        '--no-color',
        '--suppress-health-check', 'all',
      ],
      { cwd: root, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
    ).then(
      (output) => ({ code: 0, output: output.stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}\n${error.stderr}` }),
    );

    // The failures section names each failing request with a curl command to reproduce it.
    const failures = result.output.slice(Math.max(0, result.output.search(/=+ (ERRORS|FAILURES) =+/)), result.output.search(/=+ SUMMARY =+/));
    expect(result.output).toMatch(/API Operations:|Test cases:/);
    expect(result.code, failures.slice(0, 8000)).toBe(0);
  });
});
