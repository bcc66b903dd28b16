import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getReplayReport, listReplayReports, renderReplayMarkdown } from '../../replay/report/index.js';
import { replayMessagesOf } from '../../replay/report/sections.js';
import { languageOf, MANAGERS, redirectWith, sendForbidden, sendPage, SESSION_COOKIE, type BackofficeDeps } from '../../web/backoffice/context.js';
import { calendarDate } from '../../web/backoffice/format.js';
import { h, messagesOf } from '../../web/backoffice/layout.js';
import { replayListBody, replayReportBody } from '../../web/backoffice/replays.js';
import type { AppDeps } from '../app.js';
import { findSession } from '../services/users.js';

// Back-office pages of replay reports: GET /backoffice/replays, /backoffice/replays/:id
// and its markdown at /backoffice/replays/:id/report.md, for administrators and credit
// managers. These routes live in their own plugin with the same session rules as the
// rest of the back-office: a GET without a session goes to the sign-in page, and a
// signed-in role outside MANAGERS gets 403. The pages have no form, so no CSRF check.

const paramsSchema = z.object({ id: z.string().min(1).max(100) });
const markdownQuerySchema = z.object({ lang: z.enum(['fr', 'en']).optional() });

async function requireManager(request: FastifyRequest, reply: FastifyReply, deps: BackofficeDeps): Promise<FastifyReply | undefined> {
  const sessionId = request.cookies[SESSION_COOKIE];
  request.backofficeSession = sessionId ? await findSession(deps.sql, sessionId) : null;
  const session = request.backofficeSession;
  if (!session) return redirectWith(reply, '/backoffice/sign-in');
  if (!MANAGERS.includes(session.user.role)) {
    request.log.warn({ userId: session.user.id, role: session.user.role, path: request.url.split('?')[0] }, 'back-office access rejected: role not allowed');
    return sendForbidden(request, reply, deps);
  }
  return undefined;
}

function sendNotFound(request: FastifyRequest, reply: FastifyReply, deps: BackofficeDeps): FastifyReply {
  const messages = messagesOf(languageOf(request, deps.env.COMPANY_LANGUAGE));
  return sendPage(request, reply, deps, { status: 404, title: messages.errors.notFoundTitle, body: `<p>${h(messages.errors.notFound)}</p>` });
}

/** Registers the replay pages under /backoffice/replays. */
export function registerBackofficeReplayRoutes(app: FastifyInstance, deps: AppDeps): void {
  const backofficeDeps: BackofficeDeps = { ...deps, secureCookies: deps.env.PORTAL_BASE_URL.startsWith('https:') };
  app.register(
    async (replays) => {
      if (!replays.hasRequestDecorator('cookies')) await replays.register(cookie);
      if (!replays.hasRequestDecorator('backofficeSession')) replays.decorateRequest('backofficeSession', null);
      replays.addHook('preHandler', async (request, reply) => requireManager(request, reply, backofficeDeps));

      replays.get('/', async (request, reply) => {
        const language = languageOf(request, backofficeDeps.env.COMPANY_LANGUAGE);
        const reports = await listReplayReports(backofficeDeps.sql);
        return sendPage(request, reply, backofficeDeps, { title: replayMessagesOf(language).listTitle, body: replayListBody(reports, language) });
      });

      replays.get('/:id', async (request, reply) => {
        const { id } = paramsSchema.parse(request.params);
        const language = languageOf(request, backofficeDeps.env.COMPANY_LANGUAGE);
        const stored = await getReplayReport(backofficeDeps.sql, id);
        if (!stored) return sendNotFound(request, reply, backofficeDeps);
        const title = replayMessagesOf(language).title(calendarDate(stored.report.period.from, language), calendarDate(stored.report.period.to, language));
        return sendPage(request, reply, backofficeDeps, { title, body: replayReportBody(stored, language) });
      });

      // The markdown saved with the report, or the report rendered again in ?lang=.
      replays.get('/:id/report.md', async (request, reply) => {
        const { id } = paramsSchema.parse(request.params);
        const { lang } = markdownQuerySchema.parse(request.query);
        const stored = await getReplayReport(backofficeDeps.sql, id);
        if (!stored) return sendNotFound(request, reply, backofficeDeps);
        const markdown = lang ? renderReplayMarkdown(stored.report, lang) : stored.markdown;
        return reply
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="replay-${stored.report.period.from}-${stored.report.period.to}.md"`)
          .type('text/markdown; charset=utf-8')
          .send(markdown);
      });
    },
    { prefix: '/backoffice/replays' },
  );
}
