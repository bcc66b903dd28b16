// Vitest global set-up: one PostgreSQL server with a migrated template database, and the
// paths of the Temporal servers, shared by every test file.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

import { migrate } from '../../db/migrate.js';
import { startEmbeddedPostgres } from '../../scripts/postgres.js';
import { ensureTools } from '../../scripts/tools/manifest.mjs';
import { TEMPLATE_DATABASE, TEST_ENV, withDatabase } from './test-context.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a database on the test server whose user may create and drop databases. */
    databaseAdminUrl: string;
    temporalCliPath: string | null;
    temporalTestServerPath: string | null;
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function createTemplateDatabase(adminUrl: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${TEMPLATE_DATABASE}" with (force)`);
    await sql.unsafe(`create database "${TEMPLATE_DATABASE}"`);
  } finally {
    await sql.end();
  }

  await migrate(withDatabase(adminUrl, TEMPLATE_DATABASE));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    let adminUrl = process.env.DATABASE_URL;
    if (adminUrl === undefined || adminUrl === '') {
      // The server runs as the `postgres` user when tests run as root, so it needs to enter the folder.
      const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'relance-test-postgres-'));
      await chmod(scratchDir, 0o755);
      cleanups.push(() => rm(scratchDir, { recursive: true, force: true }));

      const server = await startEmbeddedPostgres({ dataDir: path.join(scratchDir, 'data'), port: await findFreePort() });
      cleanups.push(() => server.stop());
      adminUrl = server.adminUrl;
    }

    await createTemplateDatabase(adminUrl);

    const tools = ensureTools();
    const temporalCliPath = tools.temporalCli?.path ?? null;
    const temporalTestServerPath = tools.testServer?.path ?? null;

    project.provide('databaseAdminUrl', adminUrl);
    project.provide('temporalCliPath', temporalCliPath);
    project.provide('temporalTestServerPath', temporalTestServerPath);

    // Child processes that tests spawn read the same values from the environment.
    process.env[TEST_ENV.databaseAdminUrl] = adminUrl;
    if (temporalCliPath) process.env[TEST_ENV.temporalCliPath] = temporalCliPath;
    if (temporalTestServerPath) process.env[TEST_ENV.temporalTestServerPath] = temporalTestServerPath;
  } catch (error) {
    await teardown();
    throw error;
  }

  return teardown;
}
