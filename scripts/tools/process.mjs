// Small wrappers around child_process shared by the set-up steps.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Runs a command to completion and returns its exit status and captured output. */
export function runCommand(command, args, { cwd, env } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: env ?? process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  if (result.error) {
    return { status: null, stdout: '', stderr: result.error.message };
  }

  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Returns true when the file exists and the current user may execute it. */
export function isExecutable(filePath) {
  try {
    accessSync(filePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the absolute path of an executable found on PATH, or null. */
export function findOnPath(name) {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }

  return null;
}

/** Formats the last lines of a failed command's output for an error message. */
export function outputTail(result, lineCount = 15) {
  const lines = `${result.stdout}\n${result.stderr}`.trim().split('\n');
  return lines.slice(-lineCount).join('\n');
}
