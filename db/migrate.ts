import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import postgres from 'postgres';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works, as long as every Relance process uses the same one.
const MIGRATION_LOCK_ID = 7_301_942;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies db/migrations/*.sql in file-name order, each in its own transaction, under an
 * advisory lock so that two processes starting at once never apply one file twice.
 */
export async function migrate(databaseUrl: string): Promise<MigrationResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await sql`
      create table if not exists schema_migrations (
        name text primary key,
        applied_at timestamptz not null default now()
      )`;

    const done = new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((row) => row.name));
    const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
    const applied: string[] = [];

    for (const file of files) {
      if (done.has(file)) continue;

      const text = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      try {
        await sql.begin(async (transaction) => {
          await transaction.unsafe(text);
          await transaction`insert into schema_migrations (name) values (${file})`;
        });
      } catch (error) {
        throw new Error(`Migration ${file} failed: ${(error as Error).message}. Nothing of it was applied; fix the file and start again.`, { cause: error });
      }
      applied.push(file);
    }

    return { applied, alreadyApplied: done.size };
  } finally {
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    await sql.end();
  }
}
