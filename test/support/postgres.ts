// Gives each test its own database, copied from the migrated template in a few milliseconds.
import { randomBytes } from 'node:crypto';

import postgres from 'postgres';
import { inject } from 'vitest';

import { connect, type Sql } from '../../db/client.js';
import { TEMPLATE_DATABASE, TEST_ENV, withDatabase } from './test-context.js';

// SQLSTATE 55006 object_in_use: another session is still copying or connected to the template.
const OBJECT_IN_USE = '55006';
const CREATE_ATTEMPTS = 5;

export interface TestDatabase {
  url: string;
  sql: Sql;
  /** Closes `sql` and drops the database, ending any session still connected to it. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = inject('databaseAdminUrl') ?? process.env[TEST_ENV.databaseAdminUrl];
  if (!url) {
    throw new Error('No test database server: run tests through vitest.config.ts, whose global set-up starts one.');
  }
  return url;
}

async function createFromTemplate(admin: postgres.Sql, name: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.unsafe(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== OBJECT_IN_USE || attempt === CREATE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Creates `relance_test_<random>` from the migrated template and connects to it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = adminUrl();
  const name = `relance_test_${randomBytes(6).toString('hex')}`;

  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await createFromTemplate(admin, name);
  } finally {
    await admin.end();
  }

  const url = withDatabase(serverUrl, name);
  const sql = connect(url, { max: 4 });

  const drop = async () => {
    await sql.end();
    const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await dropper.end();
    }
  };

  return { url, sql, drop };
}
