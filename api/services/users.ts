import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Sql } from '../../db/client.js';
import { ApiError } from '../errors.js';

// Back-office accounts and their sessions. Passwords are hashed with scrypt from
// node:crypto, a memory-hard function that needs no native package: N = 2^15, r = 8,
// p = 1 (about 32 MiB and 50-100 ms per hash) with a 16-byte random salt per password.

export const userRoleSchema = z.enum(['admin', 'credit_manager', 'collector']);
export type UserRole = z.infer<typeof userRoleSchema>;

export const userInputSchema = z.object({
  email: z.email().max(254).transform((email) => email.toLowerCase()),
  name: z.string().trim().max(200).optional(),
  role: userRoleSchema,
  language: z.enum(['fr', 'en']).default('fr'),
  password: z.string().min(12, 'expected at least 12 characters').max(200),
});
export type UserInput = z.input<typeof userInputSchema>;

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  language: 'fr' | 'en';
}

export interface Session {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: User;
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltBytes: 16 } as const;
/** 128 * N * r bytes plus headroom: node's default maxmem (32 MiB) is exactly 128 * 2^15 * 8 and rejects it. */
const SCRYPT_MAXMEM = 64 * 1024 * 1024;
export const SESSION_HOURS = 12;

function scrypt(password: string, salt: Buffer, options: ScryptOptions & { keyLength: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, options.keyLength, { N: options.N, r: options.r, p: options.p, maxmem: SCRYPT_MAXMEM }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$hash`, so stronger parameters can come later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), keyLength: expected.length });
  return timingSafeEqual(key, expected);
}

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  language: 'fr' | 'en';
}

/** Creates an account; an e-mail already in use is a conflict. */
export async function createUser(sql: Sql, input: UserInput): Promise<User> {
  const parsed = userInputSchema.parse(input);
  const passwordHash = await hashPassword(parsed.password);
  const [row] = await sql<UserRow[]>`
    insert into users (email, name, role, language, password_hash)
    values (${parsed.email}, ${parsed.name ?? null}, ${parsed.role}, ${parsed.language}, ${passwordHash})
    on conflict do nothing
    returning id, email, name, role, language`;
  if (!row) throw new ApiError('conflict', `a user with e-mail ${parsed.email} already exists: pick another address or edit that user`);
  return row;
}

export async function listUsers(sql: Sql): Promise<(User & { disabled: boolean })[]> {
  return sql<(User & { disabled: boolean })[]>`
    select id, email, name, role, language, disabled_at is not null as disabled from users order by lower(email)`;
}

/** Checks an e-mail and password; returns the user, or null for an unknown, disabled or wrong one. */
export async function authenticate(sql: Sql, email: string, password: string): Promise<User | null> {
  const [row] = await sql<(UserRow & { password_hash: string })[]>`
    select id, email, name, role, language, password_hash from users where lower(email) = ${email.trim().toLowerCase()} and disabled_at is null`;
  if (!row) {
    // Hash anyway, so an unknown address takes as long as a wrong password.
    await hashPassword(password);
    return null;
  }
  const { password_hash: passwordHash, ...user } = row;
  return (await verifyPassword(password, passwordHash)) ? user : null;
}

export async function setUserLanguage(sql: Sql, userId: string, language: 'fr' | 'en'): Promise<void> {
  await sql`update users set language = ${language} where id = ${userId}`;
}

/** Opens a session of SESSION_HOURS hours with a random id and its own CSRF token. */
export async function createSession(sql: Sql, userId: string): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await sql`delete from sessions where expires_at < now()`;
  await sql`
    insert into sessions (id, user_id, csrf_token, expires_at)
    values (${id}, ${userId}, ${csrfToken}, now() + make_interval(hours => ${SESSION_HOURS}))`;
  return { id, csrfToken };
}

/** Returns the live session of an id with its user, or null when it is unknown, expired or its user is disabled. */
export async function findSession(sql: Sql, sessionId: string): Promise<Session | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
  const [row] = await sql<(UserRow & { session_id: string; csrf_token: string; expires_at: Date })[]>`
    select s.id as session_id, s.csrf_token, s.expires_at, u.id, u.email, u.name, u.role, u.language
    from sessions s join users u on u.id = s.user_id
    where s.id = ${sessionId} and s.expires_at > now() and u.disabled_at is null`;
  if (!row) return null;
  return {
    id: row.session_id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    user: { id: row.id, email: row.email, name: row.name, role: row.role, language: row.language },
  };
}

export async function deleteSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`;
}

export const DEVELOPMENT_ADMIN_EMAIL = 'admin@relance.local';

/**
 * Creates the development admin when no user exists yet, with a random password written
 * to DATA_DIR/development-admin-password (mode 0600) and returned to be printed once.
 */
export async function ensureDevelopmentAdmin(sql: Sql, dataDir: string): Promise<{ email: string; password: string; file: string } | null> {
  const [existing] = await sql<{ id: string }[]>`select id from users limit 1`;
  if (existing) return null;

  const password = randomBytes(18).toString('base64url');
  await createUser(sql, { email: DEVELOPMENT_ADMIN_EMAIL, name: 'Development admin', role: 'admin', language: 'fr', password });
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'development-admin-password');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { email: DEVELOPMENT_ADMIN_EMAIL, password, file };
}
