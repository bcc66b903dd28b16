import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmbeddedPostgres } from '../../scripts/postgres.js';
import { listeningAddresses, portOf } from '../support/listening.js';
import { createTestDatabase } from '../support/postgres.js';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../domain/search-attributes.js';
import { createDevEnvironment, createTimeSkippingEnvironment } from '../support/temporal.js';
import { sleepForDays } from '../support/workflows/sleep.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SLEEP_WORKFLOWS = fileURLToPath(new URL('../support/workflows/sleep.ts', import.meta.url));
const LOOPBACK = ['127.0.0.1', '[::ffff:127.0.0.1]'];
const DAY_MS = 24 * 60 * 60 * 1000;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('tool set-up', () => {
  it('records working tool paths', () => {
    const setup = spawnSync(process.execPath, ['scripts/setup.mjs'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(setup.stderr).toBe('');
    expect(setup.status).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, '.tools', 'tools.json'), 'utf8'));
    expect(setup.stdout).toContain(`Temporal CLI from ${manifest.temporalCli.source}`);
    expect(manifest.temporalCli.version).toMatch(/^temporal version \d+\.\d+\.\d+/);
    expect(() => accessSync(manifest.temporalCli.path, constants.X_OK)).not.toThrow();
    expect(() => accessSync(manifest.testServer.path, constants.X_OK)).not.toThrow();
  });
});

describe('embedded PostgreSQL', () => {
  let scratchDir: string;

  beforeAll(() => {
    scratchDir = mkdtempSync(path.join(os.tmpdir(), 'relance-embedded-postgres-'));
    // As root the server runs as the postgres user, which must enter this folder.
    chmodSync(scratchDir, 0o755);
  });

  afterAll(() => {
    rmSync(scratchDir, { recursive: true, force: true });
  });

  it('rejects a second server', async () => {
    const dataDir = path.join(scratchDir, 'twice');
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    try {
      const second = startEmbeddedPostgres({ dataDir, port: await freePort() });
      await expect(second).rejects.toThrow(/already running on .*twice \(pid \d+, port \d+\)/);
    } finally {
      await server.stop();
    }
  });

  it('keeps data across restarts', async () => {
    const dataDir = path.join(scratchDir, 'restart');
    const port = await freePort();

    const first = await startEmbeddedPostgres({ dataDir, port });
    const firstSql = postgres(first.url, { max: 1 });
    await firstSql`create table kept (value text)`;
    await firstSql`insert into kept values ('still here')`;
    await firstSql.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port });
    const secondSql = postgres(second.url, { max: 1 });
    try {
      const rows = await secondSql<{ value: string }[]>`select value from kept`;
      expect(rows.map((row) => row.value)).toEqual(['still here']);
    } finally {
      await secondSql.end();
      await second.stop();
    }
  });

  it('names the variable for a taken port', async () => {
    const portHolder = net.createServer();
    await new Promise<void>((resolve) => portHolder.listen(0, '127.0.0.1', resolve));
    const { port } = portHolder.address() as net.AddressInfo;
    try {
      const start = startEmbeddedPostgres({ dataDir: path.join(scratchDir, 'taken'), port });
      await expect(start).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use. Set EMBEDDED_POSTGRES_PORT`);
    } finally {
      await new Promise((resolve) => portHolder.close(resolve));
    }
  });
});

describe('test database', () => {
  it('copies the migrated template', async () => {
    const database = await createTestDatabase();
    try {
      const migrations = await database.sql<{ name: string }[]>`select name from schema_migrations order by name`;
      expect(migrations.length).toBeGreaterThan(0);
      expect(database.url).toMatch(/\/relance_test_[0-9a-f]{12}$/);
    } finally {
      await database.drop();
    }
  });

  it('listens on loopback only', async () => {
    const database = await createTestDatabase();
    try {
      const addresses = listeningAddresses(Number(new URL(database.url).port));
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(LOOPBACK).toContain(address);
    } finally {
      await database.drop();
    }
  });
});

describe('Temporal dev server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createDevEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('registers the custom search attributes', async () => {
    const response = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const registered = response.customAttributes ?? {};

    for (const { name, type } of SEARCH_ATTRIBUTE_DEFINITIONS) {
      const expected = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as 'INDEXED_VALUE_TYPE_KEYWORD'];
      expect(registered[name], name).toBe(expected);
    }
  });

  it('listens on loopback only', () => {
    const addresses = listeningAddresses(portOf(env.address));
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(LOOPBACK).toContain(address);
  });
});

describe('Temporal time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('skips a thirty-day sleep', async () => {
    const taskQueue = `tooling-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: SLEEP_WORKFLOWS,
    });
    const serverTimeBefore = await env.currentTimeMs();
    const wallClockBefore = Date.now();

    const slept = await worker.runUntil(
      env.client.workflow.execute(sleepForDays, { args: [30], taskQueue, workflowId: `sleep-${randomUUID()}` }),
    );

    expect(slept).toBe(30);
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(serverTimeBefore + 30 * DAY_MS);
    expect(Date.now() - wallClockBefore).toBeLessThan(60_000);
  });

  it('listens on loopback only', () => {
    const addresses = listeningAddresses(portOf(env.address));
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(LOOPBACK).toContain(address);
  });
});
