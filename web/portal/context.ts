import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mailer } from '../../activities/mailer.js';
import type { AppDeps } from '../../api/app.js';
import { portalSecretOf } from '../../config/env.js';
import { checkPortalAccess, type PortalAccess, type PortalCustomer } from './access.js';
import { isPortalLanguage, portalMessages, type PortalLanguage } from './messages.js';
import { portalPage, type PortalSection } from './views/layout.js';

// What every portal request needs: who the link lets in, the page language, and how
// to send a page with the portal's security headers.

export const LANGUAGE_COOKIE = 'relance_portal_lang';

export interface PortalDeps extends AppDeps {
  mailer: Mailer;
  secrets: string;
  /** True when the portal is served over HTTPS, so cookies get the Secure flag. */
  secureCookies: boolean;
}

export interface PortalContext {
  token: string;
  basePath: string;
  customer: PortalCustomer;
  language: PortalLanguage;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** Picks the page language: ?lang= (remembered in a cookie), then the cookie, then the customer's language. */
export function pickLanguage(request: FastifyRequest, reply: FastifyReply, fallback: PortalLanguage, secure: boolean): PortalLanguage {
  const requested = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isPortalLanguage(requested)) {
    reply.setCookie(LANGUAGE_COOKIE, requested, { path: '/portal', sameSite: 'lax', httpOnly: true, secure, maxAge: 365 * 86_400 });
    return requested;
  }
  const remembered = request.cookies[LANGUAGE_COOKIE];
  return isPortalLanguage(remembered) ? remembered : fallback;
}

export function sendPage(
  reply: FastifyReply,
  deps: PortalDeps,
  status: number,
  options: { language: PortalLanguage; title: string; basePath: string | null; currentPath: string; section?: PortalSection; refreshSeconds?: number },
  body: string,
): FastifyReply {
  const html = portalPage(
    {
      language: options.language,
      title: options.title,
      company: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS },
      basePath: options.basePath,
      currentPath: options.currentPath,
      section: options.section ?? null,
      refreshSeconds: options.refreshSeconds,
    },
    body,
  );
  return reply.code(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(html);
}

/** The path of the request without its query string. */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/portal';
}

export type AccessResult =
  | { kind: 'granted'; context: PortalContext }
  | { kind: 'stale'; access: Extract<PortalAccess, { kind: 'expired' | 'revoked' }>; language: PortalLanguage }
  | { kind: 'invalid'; language: PortalLanguage };

/** Checks the link of a portal request and picks its language. */
export async function resolveAccess(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, token: string): Promise<AccessResult> {
  const access = await checkPortalAccess(deps.sql, token, deps.secrets, new Date());
  if (access.kind === 'invalid') return { kind: 'invalid', language: pickLanguage(request, reply, deps.env.COMPANY_LANGUAGE, deps.secureCookies) };

  const language = pickLanguage(request, reply, access.customer.language, deps.secureCookies);
  if (access.kind !== 'granted') return { kind: 'stale', access, language };
  return { kind: 'granted', context: { token, basePath: `/portal/${token}`, customer: access.customer, language } };
}

/** Sends the page for a link that is not valid: the same page for every malformed or tampered link. */
export function sendInvalidLink(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, language: PortalLanguage): FastifyReply {
  const labels = portalMessages(language).link;
  return sendPage(reply, deps, 403, { language, title: labels.invalidTitle, basePath: null, currentPath: pathOf(request) }, `<p>${labels.invalid}</p>`);
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext): FastifyReply {
  const labels = portalMessages(context.language).errors;
  return sendPage(
    reply,
    deps,
    404,
    { language: context.language, title: labels.notFoundTitle, basePath: context.basePath, currentPath: context.basePath },
    `<p>${labels.notFound}</p>`,
  );
}

export function portalDepsOf(deps: AppDeps, mailer: Mailer): PortalDeps {
  return { ...deps, mailer, secrets: portalSecretOf(deps.env), secureCookies: deps.env.PORTAL_BASE_URL.startsWith('https:') };
}
