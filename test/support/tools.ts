// Reads .tools/tools.json, running scripts/setup.mjs first when a recorded tool is missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MANIFEST_PATH = path.join(PROJECT_ROOT, '.tools', 'tools.json');

const manifestSchema = z.object({
  temporalCli: z.object({ path: z.string(), source: z.string(), version: z.string() }).nullable(),
  testServer: z.object({ path: z.string() }).nullable(),
});

export type ToolsManifest = z.infer<typeof manifestSchema>;

function isExecutable(filePath: string): boolean {
  try {
    accessSync(filePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readManifest(): ToolsManifest | null {
  if (!existsSync(MANIFEST_PATH)) return null;

  const manifest = manifestSchema.parse(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));
  const recordedPaths = [manifest.temporalCli?.path, manifest.testServer?.path].filter((entry) => entry !== undefined);
  return recordedPaths.every(isExecutable) ? manifest : null;
}

/** Returns the Temporal CLI and test server recorded by set-up, running set-up when needed. */
export function loadTools(): ToolsManifest {
  const existing = readManifest();
  if (existing) return existing;

  const setup = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'setup.mjs')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (setup.status !== 0) {
    throw new Error(`scripts/setup.mjs failed (exit ${setup.status}). Read its output above, fix the cause and run \`npm run setup\`.`);
  }

  const manifest = readManifest();
  if (!manifest) throw new Error(`scripts/setup.mjs finished but ${MANIFEST_PATH} is missing or lists a missing tool.`);
  return manifest;
}
