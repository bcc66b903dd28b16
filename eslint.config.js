import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow, the domain folder and the workflows' own message definitions.
const forbiddenInWorkflows = {
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not deterministic: call an activity instead.', allowTypeImports: true },
    {
      group: [
        'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'url', 'util', 'events', 'timers',
        'postgres', 'pg', 'resend', 'fastify', 'fastify/*', '@fastify/*', 'pino', 'undici', 'axios', 'node-fetch',
        'react', 'react-dom', '@react-email/*', 'pdfkit',
        '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
        '../activities/*', '../api/*', '../db/*', '../emails/*', '../config/*', '../web/*',
      ],
      message: 'Workflow code may import only @temporalio/workflow, domain/ and workflows/ modules.',
      // Types vanish at compile time, so workflows may name activity signatures.
      allowTypeImports: true,
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'test/output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', forbiddenInWorkflows],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflow code must not read the environment.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
