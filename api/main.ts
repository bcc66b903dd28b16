import { connect } from '../db/client.js';
import { loadEnv } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { buildApp } from './app.js';
import { ensureDefaultScenario } from './services/scenarios.js';
import { connectTemporal } from './temporal.js';

const env = loadEnv();
const logger = createLogger('api', env.LOG_LEVEL);
if (!env.DATABASE_URL) {
  logger.fatal('DATABASE_URL is unset: start the API through `npm start`, or set DATABASE_URL');
  process.exit(1);
}

const sql = connect(env.DATABASE_URL);
await ensureDefaultScenario(sql);
const temporal = await connectTemporal(env);
const app = await buildApp({ env, sql, temporal, logger });

try {
  await app.listen({ host: env.HOST, port: env.PORT });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    logger.fatal({ port: env.PORT }, `port ${env.PORT} is already in use: stop the other process or set PORT`);
    process.exit(1);
  }
  throw error;
}
logger.info({ url: `http://${env.HOST}:${env.PORT}` }, 'API started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'API stopping');
    await app.close();
    await temporal.close();
    await sql.end({ timeout: 5 });
    logger.info('API stopped');
    process.exit(0);
  });
}
