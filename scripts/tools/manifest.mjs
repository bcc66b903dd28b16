// Reads and writes .tools/tools.json, the record of the tools that set-up found or built.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
