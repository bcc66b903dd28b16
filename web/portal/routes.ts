import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readInvoiceBalance } from '../../activities/balance.js';
import type { AppDeps } from '../../api/app.js';
import { findCustomerInvoice, readAccount } from './account.js';
import { MAX_ATTACHMENT_BYTES } from './attachments.js';
import { LANGUAGE_COOKIE, pathOf, portalDepsOf, resolveAccess, sendInvalidLink, sendNotFound, sendPage, type PortalContext, type PortalDeps } from './context.js';
import { invoiceCopyPdf } from './invoice-pdf.js';
import { handleLinkRequest, sendStaleLinkPage } from './link-request.js';
import { createPortalMailer } from './mail.js';
import { isPortalLanguage, portalMessages } from './messages.js';
import { showPromiseForm, submitPromise } from './promise-form.js';
import { showReportForm, submitReport } from './report-forms.js';
import { showOutcome } from './submission.js';
import { messageBody } from './views/notices.js';
import { payBody } from './views/pay.js';
import { statementBody } from './views/statement.js';

// The customer portal under /portal/<token>: server-rendered pages and forms that work
// without JavaScript, each request checked against its signed link.

/** Requests per minute and client address on /portal, counted by @fastify/rate-limit. */
export const PORTAL_REQUESTS_PER_MINUTE = 120;

type Params = { token: string; formId?: string; invoiceId?: string };
type Handler = (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, context: PortalContext) => Promise<FastifyReply>;

function guarded(deps: PortalDeps, handler: Handler) {
  return async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const access = await resolveAccess(request, reply, deps, request.params.token);
    if (access.kind === 'invalid') return sendInvalidLink(request, reply, deps, access.language);
    if (access.kind === 'stale') {
      return sendStaleLinkPage(request, reply, deps, { reason: access.access.kind, customer: access.access.customer, token: request.params.token, language: access.language });
    }
    return handler(request, reply, access.context);
  };
}

async function registerPlugins(portal: FastifyInstance): Promise<void> {
  if (!portal.hasRequestDecorator('cookies')) await portal.register(cookie);
  if (!portal.hasContentTypeParser('application/x-www-form-urlencoded')) await portal.register(formbody, { bodyLimit: 65_536 });
  if (!portal.hasContentTypeParser('multipart/form-data')) await portal.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES } });
  if (!portal.hasDecorator('rateLimit')) {
    await portal.register(rateLimit, { global: true, max: PORTAL_REQUESTS_PER_MINUTE, timeWindow: '1 minute' });
  }
}

function registerErrorPages(portal: FastifyInstance, deps: PortalDeps): void {
  const languageOf = (request: FastifyRequest) => {
    const remembered = request.cookies?.[LANGUAGE_COOKIE];
    return isPortalLanguage(remembered) ? remembered : deps.env.COMPANY_LANGUAGE;
  };

  portal.setNotFoundHandler((request, reply) => sendInvalidLink(request, reply, deps, languageOf(request)));

  portal.setErrorHandler((error: FastifyError, request, reply) => {
    const language = languageOf(request);
    const labels = portalMessages(language).errors;
    const shell = { language, basePath: null, currentPath: '/portal' };
    // Errors thrown by application-wide hooks (an ApiError of the rate limit) carry `status`.
    const status = error.statusCode ?? (error as { status?: number }).status;
    if (status === 429) return sendPage(reply, deps, 429, { ...shell, title: labels.rateLimitedTitle }, messageBody(labels.rateLimited));
    if (status !== undefined && status >= 400 && status < 500) {
      request.log.info({ code: error.code, statusCode: status }, 'portal request rejected');
      return sendPage(reply, deps, status, { ...shell, title: labels.forbiddenTitle }, messageBody(labels.forbidden));
    }
    request.log.error({ err: error }, 'portal request failed');
    return sendPage(reply, deps, 500, { ...shell, title: labels.serverErrorTitle }, messageBody(labels.serverError));
  });
}

/**
 * Per-route limit, so that /portal is limited by @fastify/rate-limit whether the plugin
 * is registered here or once for the whole application. Hidden from the API reference.
 */
const ROUTE_OPTIONS = {
  config: { rateLimit: { max: PORTAL_REQUESTS_PER_MINUTE, timeWindow: 60_000 } },
  schema: { hide: true },
};

function registerPages(portal: FastifyInstance, deps: PortalDeps): void {
  const page = (request: FastifyRequest, context: PortalContext, section: 'statement' | 'pay') => ({
    language: context.language,
    basePath: context.basePath,
    currentPath: pathOf(request),
    section,
  });

  portal.get('/', ROUTE_OPTIONS, (request, reply) => sendInvalidLink(request, reply, deps, deps.env.COMPANY_LANGUAGE));

  portal.get('/:token', ROUTE_OPTIONS, guarded(deps, async (request, reply, context) => {
    const account = await readAccount(deps.sql, context.customer, new Date());
    const body = statementBody(account, context.customer.name, context.basePath, context.language, context.customer.timeZone);
    return sendPage(reply, deps, 200, { ...page(request, context, 'statement'), title: portalMessages(context.language).statement.title }, body);
  }));

  portal.get('/:token/pay', ROUTE_OPTIONS, guarded(deps, async (request, reply, context) => {
    const account = await readAccount(deps.sql, context.customer, new Date());
    const details = { beneficiary: deps.env.COMPANY_NAME, iban: deps.env.COMPANY_IBAN, bic: deps.env.COMPANY_BIC, linkTemplate: deps.env.PAYMENT_LINK_URL_TEMPLATE };
    return sendPage(reply, deps, 200, { ...page(request, context, 'pay'), title: portalMessages(context.language).pay.title }, payBody(account.open, details, context.language));
  }));

  portal.get('/:token/promise', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => showPromiseForm(request, reply, deps, context)));
  portal.post('/:token/promise', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => submitPromise(request, reply, deps, context)));
  portal.get('/:token/dispute', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => showReportForm(request, reply, deps, context, 'dispute')));
  portal.post('/:token/dispute', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => submitReport(request, reply, deps, context, 'dispute')));
  portal.get('/:token/paid', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => showReportForm(request, reply, deps, context, 'already_paid')));
  portal.post('/:token/paid', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => submitReport(request, reply, deps, context, 'already_paid')));
  portal.get('/:token/done/:formId', ROUTE_OPTIONS, guarded(deps, (request, reply, context) => showOutcome(request, reply, deps, context, request.params.formId ?? '')));

  portal.get('/:token/invoices/:invoiceId/pdf', ROUTE_OPTIONS, guarded(deps, async (request, reply, context) => {
    const invoice = await findCustomerInvoice(deps.sql, context.customer.id, request.params.invoiceId ?? '');
    if (!invoice) return sendNotFound(request, reply, deps, context);
    const pdf = await invoiceCopyPdf({
      invoice: { number: invoice.number, issueDate: invoice.issue_date, dueDate: invoice.due_date, currency: invoice.currency, source: invoice.source },
      balance: await readInvoiceBalance(deps.sql, invoice.id),
      customer: { name: context.customer.name },
      company: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS },
      language: context.language,
      dataDir: deps.env.DATA_DIR,
    });
    const fileName = `invoice-${invoice.number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
    return reply
      .headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-disposition': `attachment; filename="${fileName}"` })
      .type('application/pdf')
      .send(pdf);
  }));

  portal.post('/:token/link', ROUTE_OPTIONS, async (request: FastifyRequest<{ Params: Params }>, reply) => {
    const access = await resolveAccess(request, reply, deps, request.params.token);
    if (access.kind === 'invalid') return sendInvalidLink(request, reply, deps, access.language);
    if (access.kind === 'granted') return reply.code(303).header('location', access.context.basePath).send();
    const fields = (request.body ?? {}) as Record<string, unknown>;
    return handleLinkRequest(request, reply, deps, { customer: access.access.customer, language: access.language, fields });
  });
}

/** Registers the customer portal under /portal. */
export function registerPortalRoutes(app: FastifyInstance, deps: AppDeps): void {
  const portalDeps = portalDepsOf(deps, createPortalMailer(deps.env));
  app.register(
    async (portal) => {
      await registerPlugins(portal);
      registerErrorPages(portal, portalDeps);
      registerPages(portal, portalDeps);
    },
    { prefix: '/portal' },
  );
}
