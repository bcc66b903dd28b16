import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import type { Sql } from '../../db/client.js';

// API keys. A key is 32 random bytes, shown once; the database keeps its SHA-256 hash.
// A plain hash suffices because the key carries 256 bits of entropy, so guessing a
// preimage is out of reach however fast the hash. The slow, salted hashes made for
// low-entropy passwords (bcrypt, Argon2) would add cost to every request and no
// protection. A plain hash also lets a request find its key by an indexed lookup.

export const apiKeyScopeSchema = z.enum(['read', 'write', 'admin']);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** Scopes a granted scope includes: admin covers write and read, write covers read. */
const INCLUDED: Record<ApiKeyScope, ApiKeyScope[]> = {
  read: ['read'],
  write: ['write', 'read'],
  admin: ['admin', 'write', 'read'],
};

const KEY_PREFIX = 'rk_';

export interface ApiKeyIdentity {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  rateLimitPerMinute: number;
}

export interface ApiKeySummary extends ApiKeyIdentity {
  createdAt: Date;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string[];
  rate_limit_per_minute: number;
  created_at: Date;
  revoked_at: Date | null;
}

const toSummary = (row: ApiKeyRow): ApiKeySummary => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.map((scope) => apiKeyScopeSchema.parse(scope)),
  rateLimitPerMinute: row.rate_limit_per_minute,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function hasScope(granted: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
  return granted.some((scope) => INCLUDED[scope].includes(required));
}

export const createApiKeyInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiKeyScopeSchema).min(1).max(3),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).default(600),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

/** Creates a key and returns it in clear with its summary; the clear key is never stored. */
export async function createApiKey(sql: Sql, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const parsed = createApiKeyInputSchema.parse(input);
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await sql<ApiKeyRow[]>`
    insert into api_keys (name, key_hash, scopes, rate_limit_per_minute)
    values (${parsed.name}, ${hashApiKey(key)}, ${[...new Set(parsed.scopes)]}, ${parsed.rateLimitPerMinute})
    returning id, name, scopes, rate_limit_per_minute, created_at, revoked_at`;
  if (!row) throw new Error(`API key ${parsed.name} could not be stored`);
  return { key, apiKey: toSummary(row) };
}

/** Finds the live key of a bearer token; null when unknown or revoked. */
export async function findApiKey(sql: Sql, key: string): Promise<ApiKeyIdentity | null> {
  const [row] = await sql<ApiKeyRow[]>`
    select id, name, scopes, rate_limit_per_minute, created_at, revoked_at
    from api_keys where key_hash = ${hashApiKey(key)} and revoked_at is null`;
  if (!row) return null;
  const { createdAt: _createdAt, revokedAt: _revokedAt, ...identity } = toSummary(row);
  return identity;
}

export async function listApiKeys(sql: Sql): Promise<ApiKeySummary[]> {
  const rows = await sql<ApiKeyRow[]>`
    select id, name, scopes, rate_limit_per_minute, created_at, revoked_at from api_keys order by created_at, id`;
  return rows.map(toSummary);
}

/** Revokes a key by id; revoking twice keeps the first date. Returns null for an unknown id. */
export async function revokeApiKey(sql: Sql, id: string): Promise<ApiKeySummary | null> {
  const [row] = await sql<ApiKeyRow[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, scopes, rate_limit_per_minute, created_at, revoked_at`;
  return row ? toSummary(row) : null;
}

/**
 * Keeps the API usable in development: when no live key exists, creates an admin key
 * named "development", writes it to DATA_DIR/development-api-key (mode 0600) and returns
 * it so the caller prints it once. Returns null when a live key already exists.
 */
export async function ensureDevelopmentKey(sql: Sql, dataDir: string): Promise<{ key: string; file: string } | null> {
  const [live] = await sql<{ id: string }[]>`select id from api_keys where revoked_at is null limit 1`;
  if (live) return null;

  const { key } = await createApiKey(sql, { name: 'development', scopes: ['admin'] });
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'development-api-key');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { key, file };
}
