import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../api/app.js';
import type { Session, UserRole } from '../../api/services/users.js';
import { messagesOf, shell, type BackofficeLanguage, type ShellInput } from './layout.js';

// What every back-office handler shares: the session of the request, its language, the
// role check and the page sender.

export const SESSION_COOKIE = 'relance_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on a back-office route; every signed-in role when unset. */
    backofficeRoles?: UserRole[];
  }
  interface FastifyRequest {
    backofficeSession: Session | null;
  }
}

export interface BackofficeDeps extends AppDeps {
  /** True when PORTAL_BASE_URL is https: cookies then carry the Secure flag. */
  secureCookies: boolean;
}

/** Roles allowed to edit scenarios and to resolve disputes or write off; users are for admins only. */
export const MANAGERS: UserRole[] = ['admin', 'credit_manager'];
export const ADMINS: UserRole[] = ['admin'];

export function sessionOf(request: FastifyRequest): Session {
  const session = request.backofficeSession;
  if (!session) throw new Error(`no back-office session on ${request.method} ${request.url}: the route was registered outside the session hook`);
  return session;
}

export function languageOf(request: FastifyRequest, fallback: BackofficeLanguage): BackofficeLanguage {
  return request.backofficeSession?.user.language ?? fallback;
}

export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url;
}

/** Sends a full page in the user's language. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: BackofficeDeps,
  page: Omit<ShellInput, 'language' | 'session' | 'currentPath'> & { status?: number },
): FastifyReply {
  const language = languageOf(request, deps.env.COMPANY_LANGUAGE);
  const html = shell({ ...page, language, session: request.backofficeSession, currentPath: pathOf(request) });
  return reply
    .code(page.status ?? 200)
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(html);
}

export function sendForbidden(request: FastifyRequest, reply: FastifyReply, deps: BackofficeDeps): FastifyReply {
  const messages = messagesOf(languageOf(request, deps.env.COMPANY_LANGUAGE));
  const role = request.backofficeSession?.user.role ?? 'none';
  return sendPage(request, reply, deps, { status: 403, title: messages.errors.forbiddenTitle, body: `<p>${messages.errors.forbidden(messages.roles[role] ?? role)}</p>` });
}

/** Compares the form's CSRF field with the session's token in constant time. */
export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Redirects after a POST with a flash message in the query, so a reload does not send the form again. */
export function redirectWith(reply: FastifyReply, location: string, flash?: string): FastifyReply {
  const target = flash ? `${location}${location.includes('?') ? '&' : '?'}flash=${encodeURIComponent(flash)}` : location;
  return reply.code(303).header('location', target).send();
}

/** Reads the flash message a redirect carried. */
export function flashOf(request: FastifyRequest): ShellInput['flash'] {
  const text = (request.query as Record<string, unknown> | undefined)?.flash;
  if (typeof text !== 'string' || text.length === 0) return undefined;
  return { kind: 'notice', text: text.slice(0, 300) };
}

export function fieldsOf(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '')]));
}
