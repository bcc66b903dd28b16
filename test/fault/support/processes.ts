// The product's processes for fault tests, each a real child process on 127.0.0.1: the
// Temporal CLI dev server with its history in a SQLite file, and the worker as
// `npm start` runs it. Tests kill and restart them; stopAll() ends whatever is left.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { searchAttributeCliArgs } from '../../../domain/search-attributes.js';
import { TEST_ENV } from '../../support/test-context.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Lines of a child's output kept for the error message when it fails. */
const OUTPUT_LINES_KEPT = 60;

const running = new Set<ChildProcess>();

/** Returns a free TCP port of 127.0.0.1, as the kernel hands it out. */
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

async function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A child process of a fault test, with its recent output for error messages. */
export class ManagedProcess {
  private readonly output: string[] = [];
  private readonly lineListeners: ((line: string) => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    running.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    });
    let pending = '';
    const collect = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        this.output.push(line);
        if (this.output.length > OUTPUT_LINES_KEPT) this.output.shift();
        for (const listener of this.lineListeners) listener(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Returns the last lines the process wrote, for an error message. */
  recentOutput(): string {
    return this.output.join('\n');
  }

  /** Resolves when the process writes a line that `match` accepts; rejects when it exits first or after `timeoutMs`. */
  async waitForLine(match: (line: string) => boolean, what: string, timeoutMs: number): Promise<void> {
    if (this.output.some(match)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not report ${what} within ${timeoutMs / 1000} s:\n${this.recentOutput()}`)), timeoutMs);
      this.lineListeners.push((line) => {
        if (!match(line)) return;
        clearTimeout(timer);
        resolve();
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before it reported ${what}:\n${this.recentOutput()}`));
      });
    });
  }

  /** Sends `signal` and waits for the exit; SIGKILL follows after `graceMs` if the process is still running. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.isRunning) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Kills every child process still running; afterAll hooks call it so that a failed test leaves none behind. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

export interface TemporalServerOptions {
  port: number;
  /** SQLite file that keeps the server's history across restarts. */
  dbFilename: string;
}

/** Starts the Temporal CLI dev server on 127.0.0.1:`port`, headless, and waits until its namespace answers. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<ManagedProcess> {
  const cli = process.env[TEST_ENV.temporalCliPath];
  if (!cli) throw new Error(`${TEST_ENV.temporalCliPath} is unset: run the fault tests through vitest, whose global set-up finds the Temporal CLI`);

  const server = new ManagedProcess(
    'the Temporal dev server',
    spawn(cli, [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--headless',
      '--db-filename', options.dbFilename,
      '--log-level', 'error',
      ...searchAttributeCliArgs(),
    ], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );

  const deadline = Date.now() + 60_000;
  while (!(await isPortOpen(options.port))) {
    if (!server.isRunning) throw new Error(`the Temporal dev server exited before it opened port ${options.port}:\n${server.recentOutput()}`);
    if (Date.now() > deadline) {
      await server.stop('SIGKILL');
      throw new Error(`the Temporal dev server did not open port ${options.port} within 60 s:\n${server.recentOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return server;
}

export interface WorkerProcessOptions {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  resendBaseUrl: string;
}

/**
 * Starts `worker/main.ts` in one Node process, as `npm start` does but without tsx's
 * wrapper process, so that SIGKILL reaches the worker itself. Resolves once it polls.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<ManagedProcess> {
  const worker = new ManagedProcess(
    'the worker',
    spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: options.databaseUrl,
        TEMPORAL_ADDRESS: options.temporalAddress,
        TEMPORAL_TASK_QUEUE: options.taskQueue,
        RESEND_API_KEY: 're_fault_test',
        RESEND_BASE_URL: options.resendBaseUrl,
      },
    }),
  );
  await worker.waitForLine((line) => line.includes('"msg":"worker started"'), 'its start', 120_000);
  return worker;
}
