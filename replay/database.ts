import postgres from 'postgres';

import { connect, type Sql } from '../db/client.js';
import { migrate } from '../db/migrate.js';

// Each replay writes to a database of its own on the application's PostgreSQL server, so
// that it never touches the operator's data.

export interface ReplayDatabase {
  name: string;
  url: string;
  sql: Sql;
  /** Closes `sql` and drops the database, ending any session still connected to it. */
  drop(): Promise<void>;
  /** Closes `sql` and keeps the database. */
  close(): Promise<void>;
}

/** Returns `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Names a replay database by its start time in UTC, for example relance_replay_20260314t101502. */
export function replayDatabaseName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase();
  return `relance_replay_${stamp}`;
}

async function onServer<T>(serverUrl: string, body: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await body(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Creates the database `name` on the server of `applicationUrl` and applies every
 * migration to it. The application's user needs the CREATEDB privilege, which the
 * embedded PostgreSQL's `relance` user has.
 */
export async function createReplayDatabase(applicationUrl: string, name: string): Promise<ReplayDatabase> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid replay database name "${name}": expected lowercase letters, digits and underscores`);

  await onServer(applicationUrl, async (admin) => {
    try {
      await admin.unsafe(`create database "${name}"`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // SQLSTATE 42501 insufficient_privilege.
      if (code === '42501') throw new Error(`the database user of ${new URL(applicationUrl).host} may not create databases: grant it CREATEDB, or point DATABASE_URL at a server where it may`, { cause: error });
      throw error;
    }
  });

  const url = withDatabase(applicationUrl, name);
  try {
    await migrate(url);
  } catch (error) {
    await onServer(applicationUrl, (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
    throw error;
  }

  const sql = connect(url, { max: 8 });
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await onServer(applicationUrl, (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
