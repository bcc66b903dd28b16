import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { csrfMatches, fieldsOf, languageOf, pathOf, redirectWith, sendForbidden, sendPage, SESSION_COOKIE, type BackofficeDeps } from '../../web/backoffice/context.js';
import { h, messagesOf, type BackofficeLanguage } from '../../web/backoffice/layout.js';
import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { authenticate, createSession, deleteSession, ensureDevelopmentAdmin, findSession, SESSION_HOURS, setUserLanguage } from '../services/users.js';
import { registerAgendaRoutes } from './backoffice-agenda.js';
import { registerBackofficeCaseRoutes } from './backoffice-cases.js';
import { registerBackofficeCustomerRoutes } from './backoffice-customers.js';
import { registerDashboardRoutes } from './backoffice-dashboards.js';
import { registerBackofficeScenarioRoutes } from './backoffice-scenarios.js';
import { registerBackofficeUserRoutes } from './backoffice-users.js';

// The back-office for credit managers under /backoffice: server-rendered pages whose
// forms work without JavaScript. Every route but the sign-in page needs a session
// cookie; every POST repeats the session's CSRF token; routes name the roles they allow.

/** Cookie of the sign-in form, compared with its hidden field, since no session exists yet. */
const SIGN_IN_COOKIE = 'relance_sign_in';
const PUBLIC_ROUTES = new Set(['/backoffice/sign-in']);

function signInPage(request: FastifyRequest, reply: FastifyReply, deps: BackofficeDeps, language: BackofficeLanguage, failed: boolean): FastifyReply {
  const messages = messagesOf(language);
  const token = randomBytes(24).toString('base64url');
  reply.setCookie(SIGN_IN_COOKIE, token, { path: '/backoffice', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies });
  const other: BackofficeLanguage = language === 'fr' ? 'en' : 'fr';
  const body = `${failed ? `<p class="alert" role="alert">${h(messages.signIn.failed)}</p>` : ''}`
    + `<form method="post" action="/backoffice/sign-in"><input type="hidden" name="csrf" value="${token}"><input type="hidden" name="lang" value="${language}">`
    + `<div class="field"><label for="email">${h(messages.signIn.email)}</label><input id="email" name="email" type="email" autocomplete="username" required></div>`
    + `<div class="field"><label for="password">${h(messages.signIn.password)}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>`
    + `<button type="submit">${h(messages.signIn.submit)}</button></form>`
    + `<p><a href="/backoffice/sign-in?lang=${other}" lang="${other}">${h(messagesOf(other).languageName)}</a></p>`;
  request.backofficeSession = null;
  return sendPage(request, reply, { ...deps, env: { ...deps.env, COMPANY_LANGUAGE: language } }, { status: failed ? 401 : 200, title: messages.signIn.title, body });
}

function pickLanguage(value: unknown, fallback: BackofficeLanguage): BackofficeLanguage {
  return value === 'fr' || value === 'en' ? value : fallback;
}

function registerSessionRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/sign-in', async (request, reply) => {
    const language = pickLanguage((request.query as Record<string, unknown>).lang, deps.env.COMPANY_LANGUAGE);
    return signInPage(request, reply, deps, language, false);
  });

  office.post('/sign-in', async (request, reply) => {
    const fields = fieldsOf(request);
    const language = pickLanguage(fields.lang, deps.env.COMPANY_LANGUAGE);
    const cookieToken = request.cookies[SIGN_IN_COOKIE];
    if (!cookieToken || cookieToken !== fields.csrf) {
      const messages = messagesOf(language);
      return sendPage(request, reply, deps, { status: 403, title: messages.errors.csrfTitle, body: `<p>${h(messages.errors.csrf)}</p><p><a href="/backoffice/sign-in">${h(messages.signIn.title)}</a></p>` });
    }

    const user = await authenticate(deps.sql, fields.email ?? '', fields.password ?? '');
    if (!user) {
      request.log.warn({ route: 'backoffice sign-in' }, 'sign-in rejected');
      return signInPage(request, reply, deps, language, true);
    }
    const session = await createSession(deps.sql, user.id);
    request.log.info({ userId: user.id, role: user.role }, 'back-office sign-in');
    reply.clearCookie(SIGN_IN_COOKIE, { path: '/backoffice' });
    reply.setCookie(SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, maxAge: SESSION_HOURS * 3600 });
    return redirectWith(reply, '/backoffice');
  });

  office.post('/sign-out', async (request, reply) => {
    const session = request.backofficeSession;
    if (session) await deleteSession(deps.sql, session.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return redirectWith(reply, '/backoffice/sign-in');
  });

  office.post('/language', async (request, reply) => {
    const fields = fieldsOf(request);
    const session = request.backofficeSession;
    if (session) await setUserLanguage(deps.sql, session.user.id, pickLanguage(fields.language, session.user.language));
    const back = fields.back?.startsWith('/backoffice') ? fields.back : '/backoffice';
    return redirectWith(reply, back);
  });
}

/** Loads the session, sends anonymous requests to the sign-in page, then checks the CSRF token and the route's roles. */
function registerGuards(office: FastifyInstance, deps: BackofficeDeps): void {
  office.decorateRequest('backofficeSession', null);

  office.addHook('preHandler', async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    request.backofficeSession = sessionId ? await findSession(deps.sql, sessionId) : null;
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;

    const session = request.backofficeSession;
    if (!session) {
      if (request.method === 'GET') return redirectWith(reply, '/backoffice/sign-in');
      return reply.code(401).type('text/plain; charset=utf-8').send('Sign in first: /backoffice/sign-in');
    }
    if (request.method === 'POST' && !csrfMatches(session, (request.body as Record<string, unknown> | undefined)?.csrf)) {
      const messages = messagesOf(session.user.language);
      request.log.warn({ userId: session.user.id, path: pathOf(request) }, 'back-office form rejected: CSRF token mismatch');
      return sendPage(request, reply, deps, { status: 403, title: messages.errors.csrfTitle, body: `<p>${h(messages.errors.csrf)}</p>` });
    }
    const roles = request.routeOptions.config.backofficeRoles;
    if (roles && !roles.includes(session.user.role)) {
      request.log.warn({ userId: session.user.id, role: session.user.role, path: pathOf(request) }, 'back-office access rejected: role not allowed');
      return sendForbidden(request, reply, deps);
    }
  });

  office.setNotFoundHandler((request, reply) => {
    const messages = messagesOf(languageOf(request, deps.env.COMPANY_LANGUAGE));
    return sendPage(request, reply, deps, { status: 404, title: messages.errors.notFoundTitle, body: `<p>${h(messages.errors.notFound)}</p>` });
  });

  office.setErrorHandler((error: FastifyError, request, reply) => {
    const messages = messagesOf(languageOf(request, deps.env.COMPANY_LANGUAGE));
    if (error instanceof ApiError && error.status === 404) {
      return sendPage(request, reply, deps, { status: 404, title: messages.errors.notFoundTitle, body: `<p>${h(error.message)}</p>` });
    }
    if (error instanceof ApiError || error instanceof ZodError || (error.statusCode !== undefined && error.statusCode < 500)) {
      const status = error instanceof ApiError ? error.status : error instanceof ZodError ? 400 : (error.statusCode ?? 400);
      const detail = error instanceof ZodError ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') : error.message;
      return sendPage(request, reply, deps, { status, title: messages.errors.failedTitle, body: `<p class="alert" role="alert">${h(messages.errors.actionFailed(detail))}</p>` });
    }
    request.log.error({ err: error, path: pathOf(request) }, 'back-office request failed');
    return sendPage(request, reply, deps, { status: 500, title: messages.errors.failedTitle, body: `<p class="alert" role="alert">${h(messages.errors.actionFailed('internal error'))}</p>` });
  });
}

/** Registers the back-office under /backoffice; in development, creates the first admin when no user exists. */
export function registerBackofficeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const backofficeDeps: BackofficeDeps = { ...deps, secureCookies: deps.env.PORTAL_BASE_URL.startsWith('https:') };
  app.register(
    async (office) => {
      if (!office.hasRequestDecorator('cookies')) await office.register(cookie);
      if (!office.hasContentTypeParser('application/x-www-form-urlencoded')) await office.register(formbody, { bodyLimit: 262_144 });
      registerGuards(office, backofficeDeps);
      registerSessionRoutes(office, backofficeDeps);
      registerAgendaRoutes(office, backofficeDeps);
      registerBackofficeCaseRoutes(office, backofficeDeps);
      registerBackofficeCustomerRoutes(office, backofficeDeps);
      registerBackofficeScenarioRoutes(office, backofficeDeps);
      registerDashboardRoutes(office, backofficeDeps);
      registerBackofficeUserRoutes(office, backofficeDeps);

      if (deps.env.NODE_ENV === 'development') {
        const created = await ensureDevelopmentAdmin(deps.sql, deps.env.DATA_DIR);
        if (created) {
          deps.logger.warn({ file: created.file }, 'no back-office user existed: created a development admin, its password is printed below once and stored in the file');
          process.stdout.write(`\nBack-office admin: ${created.email} / ${created.password}\nSign in at http://${deps.env.HOST}:${deps.env.PORT}/backoffice\n\n`);
        }
      }
    },
    { prefix: '/backoffice' },
  );
}
