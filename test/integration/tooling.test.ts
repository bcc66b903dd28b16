import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listeningAddresses, portOf } from '../support/listening.js';
import { createTestDatabase } from '../support/postgres.js';
import { SEARCH_ATTRIBUTES, createDevEnvironment, createTimeSkippingEnvironment } from '../support/temporal.js';
import { sleepForDays } from '../support/workflows/sleep.js';

const SLEEP_WORKFLOWS = fileURLToPath(new URL('../support/workflows/sleep.ts', import.meta.url));
const LOOPBACK = ['127.0.0.1', '[::ffff:127.0.0.1]'];
const DAY_MS = 24 * 60 * 60 * 1000;

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

    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
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
