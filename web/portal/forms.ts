import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from '../../db/client.js';

// Protection of portal forms. Each rendered form gets a random form id stored in
// portal_forms: the first submission claims it, so a double click acts once. Each
// form also carries a CSRF token, an HMAC of the form id and of a random value kept
// in a SameSite=Strict, HttpOnly cookie, so a page of another site cannot submit it.

export const CSRF_COOKIE = 'relance_portal_csrf';
const FORM_LIFETIME_HOURS = 24;

export type FormPurpose = 'promise' | 'dispute' | 'already_paid' | 'link_request';

export interface FormProtection {
  formId: string;
  csrfToken: string;
}

function csrfTokenOf(cookieValue: string, formId: string, secret: string): string {
  return createHmac('sha256', secret).update(`portal-csrf:${cookieValue}:${formId}`).digest('base64url');
}

function firstSecret(secrets: string): string {
  return secrets.split(',').map((secret) => secret.trim()).find((secret) => secret.length > 0) ?? '';
}

/** Returns the request's CSRF cookie value, setting a new one on the reply when it is missing. */
export function ensureCsrfCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = randomBytes(32).toString('base64url');
  reply.setCookie(CSRF_COOKIE, value, { path: '/portal', httpOnly: true, sameSite: 'strict', secure });
  request.cookies[CSRF_COOKIE] = value;
  return value;
}

/** Stores a new form for the customer and returns the hidden values its HTML carries. */
export async function createForm(sql: Sql, customerId: string, purpose: FormPurpose, cookieValue: string, secrets: string): Promise<FormProtection> {
  const formId = randomBytes(24).toString('base64url');
  await sql`delete from portal_forms where expires_at < now() - interval '7 days'`;
  await sql`
    insert into portal_forms (id, customer_id, purpose, expires_at)
    values (${formId}, ${customerId}, ${purpose}, now() + make_interval(hours => ${FORM_LIFETIME_HOURS}))`;
  return { formId, csrfToken: csrfTokenOf(cookieValue, formId, firstSecret(secrets)) };
}

/** Checks the CSRF token of a submitted form against the request's cookie, under every configured secret. */
export function checkCsrf(request: FastifyRequest, formId: string, csrfToken: string, secrets: string): boolean {
  const cookieValue = request.cookies[CSRF_COOKIE];
  if (!cookieValue || !formId || !csrfToken) return false;
  const given = Buffer.from(csrfToken);
  return secrets
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0)
    .some((secret) => {
      const expected = Buffer.from(csrfTokenOf(cookieValue, formId, secret));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
}

export type FormClaim =
  | { kind: 'claimed' }
  /** Submitted before: the caller shows the stored outcome instead of acting again. */
  | { kind: 'already_used' }
  | { kind: 'unknown_or_expired' };

/** Claims a form for one submission; only the first concurrent claim succeeds. */
export async function claimForm(sql: Sql, formId: string, customerId: string, purpose: FormPurpose): Promise<FormClaim> {
  const claimed = await sql`
    update portal_forms set used_at = now()
    where id = ${formId} and customer_id = ${customerId} and purpose = ${purpose} and used_at is null and expires_at > now()
    returning id`;
  if (claimed.length > 0) return { kind: 'claimed' };

  const [existing] = await sql<{ used_at: Date | null }[]>`
    select used_at from portal_forms where id = ${formId} and customer_id = ${customerId} and purpose = ${purpose}`;
  return existing?.used_at ? { kind: 'already_used' } : { kind: 'unknown_or_expired' };
}

/** Releases a claimed form after a failure, so that sending it again retries; every step it took is idempotent. */
export async function releaseForm(sql: Sql, formId: string): Promise<void> {
  await sql`update portal_forms set used_at = null where id = ${formId} and outcome is null`;
}

export async function storeFormOutcome(sql: Sql, formId: string, outcome: unknown): Promise<void> {
  await sql`update portal_forms set outcome = ${sql.json(outcome as never)} where id = ${formId}`;
}

export async function readFormOutcome<T>(sql: Sql, formId: string, customerId: string): Promise<{ purpose: FormPurpose; outcome: T | null } | null> {
  const [row] = await sql<{ purpose: FormPurpose; outcome: T | null; used_at: Date | null }[]>`
    select purpose, outcome, used_at from portal_forms where id = ${formId} and customer_id = ${customerId}`;
  if (!row?.used_at) return null;
  return { purpose: row.purpose, outcome: row.outcome };
}
