/** Database that global set-up migrates and every test database copies. */
export const TEMPLATE_DATABASE = 'relance_template';

/** Environment variables through which global set-up reaches processes that tests spawn. */
export const TEST_ENV = {
  databaseAdminUrl: 'RELANCE_TEST_DATABASE_ADMIN_URL',
  temporalCliPath: 'RELANCE_TEST_TEMPORAL_CLI_PATH',
  temporalTestServerPath: 'RELANCE_TEST_TEMPORAL_TEST_SERVER_PATH',
} as const;

/** Returns `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
