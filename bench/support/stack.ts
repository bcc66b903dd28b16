// Starts and stops what a benchmark runs against, all on 127.0.0.1 and under one temporary
// folder: embedded PostgreSQL with the migrations applied, a Temporal dev server with the
// custom search attributes, the worker and the API. Each part stops in reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { NativeConnection } from '@temporalio/worker';
import type { WorkerPair } from '../../worker/worker-pair.js';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';

import { buildApp } from '../../api/app.js';
import { connectTemporal, type TemporalHandle } from '../../api/temporal.js';
import { loadEnv, type Env } from '../../config/env.js';
import { connect, type Sql } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { searchAttributeCliArgs } from '../../domain/search-attributes.js';
import type { Mailer } from '../../activities/mailer.js';
import { startEmbeddedPostgres } from '../../scripts/postgres.js';
import { readManifest } from '../../scripts/tools/manifest.mjs';
import { createWorker, installRuntimeLogger } from '../../worker/worker.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const silentLogger = pino({ level: 'silent' });

/** A free TCP port on 127.0.0.1, as the kernel hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s`);
}

/** Stops a child process: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface Stack {
  directory: string;
  env: Env;
  databaseUrl: string;
  sql: Sql;
  temporal: TemporalHandle;
  temporalPid: number;
  /** Adds a step to run, first, when the stack stops. */
  onStop(step: () => Promise<void>): void;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL (migrated) and a Temporal dev server in a fresh temporary folder, and
 * connects to both. `envOverrides` are read as environment variables on top of the defaults.
 */
export async function startStack(envOverrides: Record<string, string> = {}): Promise<Stack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch((error: unknown) => console.error(`stopping: ${(error as Error).message}`));
  };

  try {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'relance-bench-'));
    // The embedded server runs as an unprivileged user when started as root: let it in.
    await chmod(directory, 0o755);
    stops.push(() => rm(directory, { recursive: true, force: true }));

    const postgres = await startEmbeddedPostgres({ dataDir: path.join(directory, 'postgres'), port: await freePort() });
    stops.push(() => postgres.stop());
    await migrate(postgres.url);

    const manifest = readManifest() as { temporalCli?: { path: string } | null } | null;
    const cli = manifest?.temporalCli?.path;
    if (!cli) throw new Error('the Temporal CLI is not set up: run `npm run setup`, which finds or installs it');
    const temporalPort = await freePort();
    const uiPort = await freePort();
    const temporalServer = spawn(cli, [
      'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(temporalPort), '--ui-port', String(uiPort), '--headless',
      '--log-level', 'error', ...searchAttributeCliArgs(),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let serverErrors = '';
    temporalServer.stderr?.on('data', (chunk: Buffer) => {
      serverErrors = (serverErrors + chunk.toString('utf8')).slice(-2_000);
    });
    stops.push(() => stopChild(temporalServer));
    const exitedEarly = new Promise<never>((_resolve, reject) =>
      temporalServer.once('exit', (code) => reject(new Error(`the Temporal dev server exited with ${code}: ${serverErrors}`))));
    // Once the server is up, its exit at stop time is expected.
    exitedEarly.catch(() => {});
    await Promise.race([waitForPort(temporalPort, 'the Temporal dev server', 120_000), exitedEarly]);

    const env = loadEnv({
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      DATA_DIR: directory,
      RESEND_API_KEY: '',
      ...envOverrides,
    });
    const sql = connect(postgres.url, { max: 10 });
    stops.push(() => sql.end({ timeout: 5 }));
    const temporal = await connectTemporal(env);
    stops.push(() => temporal.close());
    // The dev server answers on its port before its namespace is ready.
    await waitForNamespace(temporal);

    return { directory, env, databaseUrl: postgres.url, sql, temporal, temporalPid: temporalServer.pid ?? 0, onStop: (step) => stops.push(step), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForNamespace(temporal: TemporalHandle): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await temporal.client.workflow.count();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/** Runs the worker in this process until the stack stops. */
export async function startWorker(stack: Stack, options: { mailer?: Mailer } = {}): Promise<WorkerPair> {
  installRuntimeLogger(silentLogger);
  const { worker, connection }: { worker: WorkerPair; connection: NativeConnection } = await createWorker({
    env: stack.env,
    sql: stack.sql,
    logger: silentLogger,
    client: stack.temporal.client,
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  const running = worker.run();
  stack.onStop(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
  return worker;
}

/** Builds the API on a free port of 127.0.0.1 and returns its base URL. */
export async function startApi(stack: Stack): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ env: stack.env, sql: stack.sql, temporal: stack.temporal, logger: silentLogger });
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  stack.onStop(() => app.close());
  return { app, url: `http://127.0.0.1:${port}` };
}
