// Reads and writes .tools/tools.json, the record of the tools that set-up found or built.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { isExecutable } from './process.mjs';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
export const MANIFEST_PATH = path.join(TOOLS_DIR, 'tools.json');

/**
 * Returns the manifest `{ temporalCli, testServer }`, or null when set-up has not run.
 * Each entry is null when that tool could not be found or built.
 */
export function readManifest(manifestPath = MANIFEST_PATH) {
  if (!existsSync(manifestPath)) return null;
  return JSON.parse(readFileSync(manifestPath, 'utf8'));
}

export function writeManifest(manifest, manifestPath = MANIFEST_PATH) {
  mkdirSync(path.dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

function isUsable(manifest) {
  if (manifest === null) return false;

  const recordedPaths = [manifest.temporalCli?.path, manifest.testServer?.path].filter((entry) => entry != null);
  return recordedPaths.every((entry) => isExecutable(entry));
}

/**
 * Returns the manifest, first running scripts/setup.mjs when the manifest is missing or
 * names a tool that no longer exists. Throws when set-up fails.
 */
export function ensureTools() {
  const existing = readManifest();
  if (isUsable(existing)) return existing;

  const setup = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'setup.mjs')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (setup.status !== 0) {
    throw new Error(`scripts/setup.mjs failed (exit ${setup.status}). Read its output above, fix the cause and run \`npm run setup\`.`);
  }

  const manifest = readManifest();
  if (!isUsable(manifest)) {
    throw new Error(`scripts/setup.mjs finished but ${MANIFEST_PATH} is missing or names a missing tool.`);
  }
  return manifest;
}
