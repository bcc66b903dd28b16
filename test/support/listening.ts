import { execFileSync } from 'node:child_process';

/** Returns the local addresses of TCP sockets listening on `port`, as `ss` prints them. */
export function listeningAddresses(port: number): string[] {
  const output = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });

  // Columns: State Recv-Q Send-Q Local-Address:Port Peer-Address:Port ...
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3])
    .filter((local): local is string => local !== undefined && local.endsWith(`:${port}`))
    .map((local) => local.slice(0, local.lastIndexOf(':')));
}

/** Returns the port of a `host:port` address. */
export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}
