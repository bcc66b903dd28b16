import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';

import { apiKeyScopeSchema, createApiKey, listApiKeys, revokeApiKey, type ApiKeyScope } from '../../api/services/api-keys.js';
import { connectDatabase, explainDatabaseError } from '../database.js';

function parseScopes(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((scope) => scope.trim()).filter(Boolean);
  const invalid = scopes.filter((scope) => !apiKeyScopeSchema.safeParse(scope).success);
  if (scopes.length === 0 || invalid.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of read, write, admin (got "${value}")`);
  return scopes as ApiKeyScope[];
}

function parsePositive(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive whole number (got "${value}")`);
  return parsed;
}

async function withDatabase(action: (sql: ReturnType<typeof connectDatabase>['sql']) => Promise<void>): Promise<void> {
  const { sql, url } = connectDatabase();
  try {
    await action(sql);
  } catch (error) {
    throw new Error(explainDatabaseError(error, url), { cause: error });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function apiKeyCommand(): Command {
  const command = new Command('api-key').description('Create, list and revoke API keys');

  command
    .command('create')
    .description('Create an API key and print it once; only its SHA-256 hash is stored')
    .requiredOption('--name <name>', 'label of the key, such as the client that uses it')
    .requiredOption('--scopes <scopes>', 'comma-separated scopes: read (GET), write (POST on customers, invoices, payments, cases), admin (scenarios, API keys, webhooks)', parseScopes)
    .option('--rate-limit <requests>', 'requests per minute allowed to this key', parsePositive, 600)
    .action(async (options: { name: string; scopes: ApiKeyScope[]; rateLimit: number }) => {
      await withDatabase(async (sql) => {
        const { key, apiKey } = await createApiKey(sql, { name: options.name, scopes: options.scopes, rateLimitPerMinute: options.rateLimit });
        process.stderr.write(`API key "${apiKey.name}" created (id ${apiKey.id}, scopes ${apiKey.scopes.join(',')}). It is shown once; store it now:\n`);
        process.stdout.write(`${key}\n`);
      });
    });

  command
    .command('list')
    .description('List API keys, without their secrets')
    .action(async () => {
      await withDatabase(async (sql) => {
        for (const key of await listApiKeys(sql)) {
          const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
          process.stdout.write(`${key.id}  ${key.name}  ${key.scopes.join(',')}  ${key.rateLimitPerMinute}/min  ${state}\n`);
        }
      });
    });

  command
    .command('revoke')
    .description('Revoke an API key; requests with it fail from then on')
    .argument('<id>', 'id of the key, as `relance api-key list` prints it')
    .action(async (id: string) => {
      if (!z.uuid().safeParse(id).success) throw new Error(`invalid API key id "${id}": expected a UUID as \`relance api-key list\` prints it`);
      await withDatabase(async (sql) => {
        const revoked = await revokeApiKey(sql, id);
        if (!revoked) throw new Error(`API key ${id} not found: list the keys with \`relance api-key list\``);
        process.stderr.write(`API key "${revoked.name}" revoked\n`);
      });
    });

  return command;
}
