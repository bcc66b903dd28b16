// Builds the Temporal Java time-skipping test server from Maven Central into .tools/.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { FAST_START_FLAGS, recordClassDataArchive } from './class-data-archive.mjs';
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

function launcherScript(java, jvmFlags, classPath) {
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} bound to 127.0.0.1. Written by scripts/setup.mjs.
exec "${java}" ${jvmFlags.join(' ')} -cp "${classPath}" ${LAUNCHER_CLASS} "$@"
`;
}

/** Returns the tools the build needs that are missing from PATH. */
export function missingJavaTools() {
  return ['java', 'javac', 'jar', 'mvn'].filter((name) => findOnPath(name) === null);
}

/**
 * Builds `<toolsDir>/temporal-test-server`, an executable that starts the time-skipping
 * test server on 127.0.0.1 as `temporal-test-server <port>`. Skips the build when the
 * script, the jars and the compiled launcher match the current version and source.
 * Returns `{ path, version }`; throws an error naming the failed step otherwise.
 */
export async function buildTestServer({ toolsDir, log }) {
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
  // A class-data archive accepts jar files only on the class path, so the launcher goes in a jar.
  const launcherJar = path.join(workDir, 'launcher.jar');
  const archivePath = path.join(workDir, 'test-server.jsa');
  const classPath = `${launcherJar}:${libDir}/*`;
  const stampFile = path.join(workDir, 'stamp.json');
  const scriptPath = path.join(toolsDir, 'temporal-test-server');

  const source = readFileSync(LAUNCHER_SOURCE, 'utf8');
  const stamp = JSON.stringify({
    version: TEST_SERVER_VERSION,
    java,
    jvmFlags: FAST_START_FLAGS,
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

  const packaged = runCommand('jar', ['cf', launcherJar, '-C', classesDir, '.']);
  if (packaged.status !== 0) {
    throw new Error(`jar failed to package ${classesDir} (exit ${packaged.status}):\n${outputTail(packaged)}`);
  }

  log('Recording a class-data archive so that the JVM starts within the SDK\'s 5-second limit ...');
  const archived = await recordClassDataArchive({ java, classPath, mainClass: LAUNCHER_CLASS, archivePath });
  if (!archived) log('No class-data archive was written; the test server starts without it, more slowly.');

  const jvmFlags = archived ? [`-XX:SharedArchiveFile=${archivePath}`, ...FAST_START_FLAGS] : FAST_START_FLAGS;
  writeFileSync(scriptPath, launcherScript(java, jvmFlags, classPath));
  chmodSync(scriptPath, 0o755);
  writeFileSync(stampFile, stamp);
  return { path: scriptPath, version: TEST_SERVER_VERSION };
}
