// Types for manifest.mjs, so that TypeScript callers (scripts/start.ts, test set-up) can import it.

export interface TemporalCliEntry {
  path: string;
  /** Where the CLI came from: TEMPORAL_CLI_PATH, PATH, pypi or go-install. */
  source: string;
  /** Output of `temporal --version`. */
  version: string;
}

export interface ToolsManifest {
  temporalCli: TemporalCliEntry | null;
  testServer: { path: string } | null;
}

export const PROJECT_ROOT: string;
export const TOOLS_DIR: string;
export const MANIFEST_PATH: string;

export function readManifest(manifestPath?: string): ToolsManifest | null;
export function writeManifest(manifest: ToolsManifest, manifestPath?: string): void;
export function ensureTools(): ToolsManifest;
