// Records an AppCDS archive of the classes the test server loads at start-up. The Temporal
// SDK gives an ephemeral server 5 seconds to accept connections (sdk-core
// ephemeral_server/mod.rs, 50 tries 100 ms apart). A cold JVM took 3 to 5 seconds on a
// 2-core machine at load average 9, and about 0.7 seconds with the archive (OpenJDK 17).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

const START_TIMEOUT_MS = 60_000;

/** JVM flags for a quick start; C1 only, because a test server needs no peak throughput. */
export const FAST_START_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the test server once with -XX:ArchiveClassesAtExit, waits until it accepts
 * connections, stops it, and returns true when `archivePath` was written.
 */
export async function recordClassDataArchive({ java, classPath, mainClass, archivePath }) {
  rmSync(archivePath, { force: true });
  const port = await freePort();

  const server = spawn(java, [`-XX:ArchiveClassesAtExit=${archivePath}`, ...FAST_START_FLAGS, '-cp', classPath, mainClass, String(port)], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));

  const deadline = Date.now() + START_TIMEOUT_MS;
  let listening = false;
  while (!listening && server.exitCode === null && Date.now() < deadline) {
    await delay(200);
    listening = await accepts(port);
  }

  // The JVM writes the archive while it exits, so a SIGTERM is needed rather than a SIGKILL.
  server.kill('SIGTERM');
  await exited;
  return listening && existsSync(archivePath);
}
