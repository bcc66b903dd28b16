import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseDecimalAmount } from '../../domain/money.js';
import { pathOf, sendNotFound, sendPage, type PortalContext, type PortalDeps } from './context.js';
import { checkCsrf, claimForm, readFormOutcome, releaseForm, storeFormOutcome, type FormProtection, type FormPurpose } from './forms.js';
import { portalMessages, type PortalLanguage } from './messages.js';
import { messageBody, outcomeBody, outcomeTitle, type FormOutcome } from './views/notices.js';

// The life of a submitted portal form: check its CSRF token, show the form again with
// its errors, or claim it once, act, store the outcome and redirect to the outcome
// page (post/redirect/get), so that reloading or clicking twice acts once.

export function sendForbidden(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext): FastifyReply {
  const labels = portalMessages(context.language).errors;
  return sendPage(
    reply,
    deps,
    403,
    { language: context.language, title: labels.forbiddenTitle, basePath: context.basePath, currentPath: pathOf(request) },
    messageBody(labels.forbidden, { href: context.basePath, label: portalMessages(context.language).outcome.backToStatement }),
  );
}

export interface Submission {
  purpose: Exclude<FormPurpose, 'link_request'>;
  formId: string;
  csrf: string;
  /** Field errors found by validation, keyed by field id; empty when the input is valid. */
  errors: Record<string, string>;
  rerender: (state: { status: number; errors: Record<string, string>; protection?: FormProtection }) => Promise<FastifyReply>;
  act: (formId: string) => Promise<FormOutcome>;
}

export async function submitOnce(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext, submission: Submission): Promise<FastifyReply> {
  if (!checkCsrf(request, submission.formId, submission.csrf, deps.secrets)) return sendForbidden(request, reply, deps, context);
  const donePath = `${context.basePath}/done/${encodeURIComponent(submission.formId)}`;

  if (Object.keys(submission.errors).length > 0) {
    const previous = await readFormOutcome(deps.sql, submission.formId, context.customer.id);
    if (previous) return reply.code(303).header('location', donePath).send();
    return submission.rerender({ status: 422, errors: submission.errors, protection: { formId: submission.formId, csrfToken: submission.csrf } });
  }

  const claim = await claimForm(deps.sql, submission.formId, context.customer.id, submission.purpose);
  if (claim.kind === 'already_used') return reply.code(303).header('location', donePath).send();
  if (claim.kind === 'unknown_or_expired') {
    return submission.rerender({ status: 422, errors: { form: portalMessages(context.language).errors.formExpired } });
  }

  try {
    const outcome = await submission.act(submission.formId);
    await storeFormOutcome(deps.sql, submission.formId, outcome);
  } catch (error) {
    await releaseForm(deps.sql, submission.formId);
    throw error;
  }
  return reply.code(303).header('location', donePath).send();
}

/** Shows what a submitted form did; a form still being processed shows a page that refreshes itself. */
export async function showOutcome(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext, formId: string): Promise<FastifyReply> {
  const stored = await readFormOutcome<FormOutcome>(deps.sql, formId, context.customer.id);
  if (!stored || stored.purpose === 'link_request') return sendNotFound(request, reply, deps, context);
  const title = outcomeTitle(stored.outcome?.kind, context.language);
  return sendPage(
    reply,
    deps,
    200,
    { language: context.language, title, basePath: context.basePath, currentPath: pathOf(request), refreshSeconds: stored.outcome ? undefined : 2 },
    outcomeBody(stored.outcome, context.basePath, context.language),
  );
}

/** Parses an amount typed by a customer into minor units; null when it is not a plain amount. */
export function parseAmount(text: string, currency: string, language: PortalLanguage): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  for (const style of ['auto', language === 'fr' ? 'fr' : 'us'] as const) {
    try {
      return parseDecimalAmount(trimmed, currency, style);
    } catch {
      // The next style may read it; 'auto' refuses text such as "1,250" whose separator is ambiguous.
    }
  }
  return null;
}
