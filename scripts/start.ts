// `npm start`: brings up Relance on its embedded defaults. The Temporal dev server (UI on
// 8233, history persisted under DATA_DIR), PostgreSQL (embedded unless DATABASE_URL is
// set) with migrations applied, then the worker and the API as child processes. Ctrl-C
// stops every child, in reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, InvalidEnvironmentError } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { migrate } from '../db/migrate.js';
import { searchAttributeCliArgs } from '../domain/search-attributes.js';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.js';
import { readManifest } from './tools/manifest.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const logger = createLogger('start');

interface Service {
  name: string;
  child: ChildProcess;
}

const services: Service[] = [];
let embeddedPostgres: RunningPostgres | null = null;
let stopping = false;

async function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function requirePortFree(port: number, what: string, variable: string): Promise<void> {
  if (!(await isPortFree('127.0.0.1', port))) {
    throw new Error(`port ${port} (${what}) is already in use: is Relance already running? Stop the other process, or set ${variable}.`);
  }
}

async function waitForPort(port: number, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s: read its log lines above`);
}

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // Each child gets its own process group, so Ctrl-C reaches this script alone and the
  // children stop in order: API and worker first, the servers they use last.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  services.push({ name, child });
  logger.info({ service: name, pid: child.pid }, `${name} started`);
  child.once('exit', (code, signal) => {
    logger.info({ service: name, code, signal }, `${name} stopped`);
    if (!stopping) {
      logger.error({ service: name }, `${name} exited unexpectedly; stopping Relance`);
      void shutdown(1);
    }
  });
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const service of [...services].reverse()) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) continue;
    const exited = new Promise((resolve) => service.child.once('exit', resolve));
    signalGroup(service.child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(service.child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (embeddedPostgres) {
    await embeddedPostgres.stop();
    logger.info({ service: 'postgres' }, 'postgres stopped');
  }
  logger.info('Relance stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const env = loadEnv();
  const dataDir = path.resolve(ROOT, env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const temporalPort = Number(env.TEMPORAL_ADDRESS.split(':')[1]);
  const uiPort = Number(new URL(env.TEMPORAL_UI_URL).port || 8233);
  await requirePortFree(env.PORT, 'API', 'PORT');
  await requirePortFree(temporalPort, 'Temporal', 'TEMPORAL_ADDRESS');
  await requirePortFree(uiPort, 'Temporal UI', 'TEMPORAL_UI_URL');

  const manifest = readManifest() as { temporalCli?: { path: string; source: string; version: string } | null } | null;
  const cli = manifest?.temporalCli;
  if (!cli) throw new Error('the Temporal CLI is not set up: run `npm run setup`, which finds or installs it');
  logger.info({ source: cli.source, version: cli.version }, 'Temporal CLI found');

  launch('temporal', cli.path, [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(temporalPort),
    '--ui-port', String(uiPort),
    '--namespace', env.TEMPORAL_NAMESPACE,
    '--db-filename', path.join(dataDir, 'temporal.db'),
    '--log-level', 'warn',
    ...searchAttributeCliArgs(),
  ], process.env);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embeddedPostgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: env.EMBEDDED_POSTGRES_PORT });
    databaseUrl = embeddedPostgres.url;
    logger.info({ service: 'postgres', port: embeddedPostgres.port }, 'postgres started (embedded)');
  }
  const { applied } = await migrate(databaseUrl);
  logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema up to date');

  await waitForPort(temporalPort, 'Temporal', 60_000);
  const childEnv = { ...process.env, DATABASE_URL: databaseUrl };
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  launch('worker', tsx, ['worker/main.ts'], childEnv);
  launch('api', tsx, ['api/main.ts'], childEnv);
  await waitForPort(env.PORT, 'API', 60_000);

  const api = `http://127.0.0.1:${env.PORT}`;
  console.log(
    [
      '',
      'Relance is running:',
      `  API          ${api}  (health: ${api}/health)`,
      `  Outbox       ${api}/outbox`,
      `  Back-office  ${api}/backoffice`,
      `  API docs     ${api}/docs`,
      `  Temporal UI  ${env.TEMPORAL_UI_URL}`,
      `  Temporal     ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE})`,
      `  PostgreSQL   ${embeddedPostgres ? `embedded, 127.0.0.1:${embeddedPostgres.port}, data in ${path.join(env.DATA_DIR, 'postgres')}` : 'DATABASE_URL'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

process.once('exit', () => {
  for (const service of services) if (service.child.exitCode === null) signalGroup(service.child, 'SIGTERM');
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping Relance');
    void shutdown(0);
  });
}

main().catch(async (error: unknown) => {
  if (error instanceof InvalidEnvironmentError) console.error(error.message);
  else logger.fatal({ error: (error as Error).message }, 'Relance could not start');
  await shutdown(1);
});
