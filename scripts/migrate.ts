// Applies the database migrations to DATABASE_URL: `npx tsx scripts/migrate.ts`.
import { loadEnv } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { migrate } from '../db/migrate.js';

const env = loadEnv();
const logger = createLogger('migrate', env.LOG_LEVEL);
if (!env.DATABASE_URL) {
  logger.fatal('DATABASE_URL is unset: set it to the database to migrate');
  process.exit(1);
}

const { applied, alreadyApplied } = await migrate(env.DATABASE_URL);
logger.info({ applied, alreadyApplied }, applied.length > 0 ? 'migrations applied' : 'database schema up to date');
