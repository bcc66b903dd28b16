import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

const START_SCRIPT = fileURLToPath(new URL('../../scripts/start.ts', import.meta.url));

/**
 * Builds `relance start`, which runs the script of `npm start` without its set-up step, on
 * the embedded defaults unless the environment sets others.
 */
export function startCommand(): Command {
  return new Command('start')
    .description('Start Relance: the Temporal dev server, PostgreSQL, the worker and the API, on 127.0.0.1 (run `npm run setup` once first)')
    .action(async () => {
      const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
      const child = spawn(process.execPath, [tsxCli, START_SCRIPT], { stdio: 'inherit' });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
      const code = await new Promise<number>((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));
      process.exitCode = code;
    });
}
