// Builds the Temporal Java time-skipping test server from Maven Central into .tools/.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { findOnPath, outputTail, runCommand } from './process.mjs';

export const TEST_SERVER_VERSION = '1.31.0';
const LAUNCHER_CLASS = 'io.temporal.internal.testservice.LoopbackTestServer';
const LAUNCHER_SOURCE = fileURLToPath(new URL('./LoopbackTestServer.java', import.meta.url));

function pomXml() {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>relance.tools</groupId>
  <artifactId>temporal-test-server</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

function launcherScript(java, classesDir, libDir) {
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} bound to 127.0.0.1. Written by scripts/setup.mjs.
exec "${java}" -cp "${classesDir}:${libDir}/*" ${LAUNCHER_CLASS} "$@"
`;
}

/** Returns the tools the build needs that are missing from PATH. */
export function missingJavaTools() {
  return ['java', 'javac', 'mvn'].filter((name) => findOnPath(name) === null);
}

/**
 * Builds `<toolsDir>/temporal-test-server`, an executable that starts the time-skipping
 * test server on 127.0.0.1 as `temporal-test-server <port>`. Skips the build when the
 * script, the jars and the compiled launcher match the current version and source.
 * Returns `{ path, version }`; throws an error naming the failed step otherwise.
 */
export function buildTestServer({ toolsDir, log }) {
  const missing = missingJavaTools();
  if (missing.length > 0) {
    throw new Error(
      `Cannot build the Temporal test server: ${missing.join(', ')} not found on PATH. ` +
        'Install a JDK 17 or later and Maven (Debian: apt-get install default-jdk-headless maven).',
    );
  }

  const java = findOnPath('java');
  const workDir = path.join(toolsDir, 'test-server');
  const libDir = path.join(workDir, 'lib');
  const classesDir = path.join(workDir, 'classes');
  const stampFile = path.join(workDir, 'stamp.json');
  const scriptPath = path.join(toolsDir, 'temporal-test-server');

  const source = readFileSync(LAUNCHER_SOURCE, 'utf8');
  const stamp = JSON.stringify({
    version: TEST_SERVER_VERSION,
    java,
    launcher: createHash('sha256').update(source).digest('hex'),
  });

  if (existsSync(scriptPath) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    return { path: scriptPath, version: TEST_SERVER_VERSION };
  }

  log(`Fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} and its dependencies with Maven ...`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, 'pom.xml'), pomXml());

  const fetched = runCommand(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${libDir}`],
    { cwd: workDir },
  );
  if (fetched.status !== 0 || !existsSync(libDir) || readdirSync(libDir).length === 0) {
    throw new Error(
      `Maven failed to fetch io.temporal:temporal-test-server:${TEST_SERVER_VERSION} (exit ${fetched.status}):\n` +
        `${outputTail(fetched)}\nCheck that Maven Central is reachable, then run \`npm run setup\` again.`,
    );
  }

  log('Compiling the loopback launcher with javac ...');
  const compiled = runCommand('javac', ['-d', classesDir, '-cp', `${libDir}/*`, LAUNCHER_SOURCE]);
  if (compiled.status !== 0) {
    throw new Error(`javac failed to compile ${LAUNCHER_SOURCE} (exit ${compiled.status}):\n${outputTail(compiled)}`);
  }

  writeFileSync(scriptPath, launcherScript(java, classesDir, libDir));
  chmodSync(scriptPath, 0o755);
  writeFileSync(stampFile, stamp);
  return { path: scriptPath, version: TEST_SERVER_VERSION };
}
