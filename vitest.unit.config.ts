import { defineConfig } from 'vitest/config';

// Runs tests that need neither PostgreSQL nor Temporal, without the global set-up.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    testTimeout: 30_000,
  },
});
