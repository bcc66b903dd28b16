import type { FastifyReply, FastifyRequest } from 'fastify';
import { findEmailRecipient } from '../../activities/recipients.js';
import { renderPortalLinkEmail } from '../../emails/portal-link.js';
import { issuePortalLink, type PortalCustomer } from './access.js';
import { pathOf, sendPage, type PortalDeps } from './context.js';
import { checkCsrf, claimForm, createForm, ensureCsrfCookie, storeFormOutcome } from './forms.js';
import { sendPortalEmail } from './mail.js';
import { portalMessages, type PortalLanguage } from './messages.js';
import { linkRequestBody, messageBody, staleLinkBody } from './views/notices.js';

// An expired or revoked link leads to a page that sends a fresh link to the contact on
// file that reminders go to (one recipient, to keep each e-mail's footprint low), never
// to an address typed in. Requests are limited per customer, so the page
// cannot be used to flood a mailbox.

export const LINK_REQUESTS_PER_HOUR = 3;

/** Renders the page of an expired or revoked link, with the form that requests a fresh one. */
export async function sendStaleLinkPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PortalDeps,
  stale: { reason: 'expired' | 'revoked'; customer: PortalCustomer; token: string; language: PortalLanguage },
): Promise<FastifyReply> {
  const cookie = ensureCsrfCookie(request, reply, deps.secureCookies);
  const protection = await createForm(deps.sql, stale.customer.id, 'link_request', cookie, deps.secrets);
  const labels = portalMessages(stale.language).link;
  return sendPage(
    reply,
    deps,
    410,
    { language: stale.language, title: labels.expiredTitle, basePath: null, currentPath: pathOf(request) },
    staleLinkBody(stale.reason, `/portal/${stale.token}/link`, protection, stale.language),
  );
}

async function sendFreshLink(deps: PortalDeps, customer: PortalCustomer, formId: string): Promise<'sent' | 'no_contact' | 'too_many'> {
  const [recent] = await deps.sql<{ count: number }[]>`
    select count(*)::int as count from portal_link_requests
    where customer_id = ${customer.id} and requested_at > now() - interval '1 hour'`;
  if ((recent?.count ?? 0) >= LINK_REQUESTS_PER_HOUR) return 'too_many';

  const recipient = await findEmailRecipient(deps.sql, customer.id, deps.env.COMPANY_LANGUAGE);
  if (!recipient) return 'no_contact';

  const link = issuePortalLink(customer, { baseUrl: deps.env.PORTAL_BASE_URL, secrets: deps.secrets, ttlDays: deps.env.PORTAL_LINK_TTL_DAYS, now: new Date() });
  const rendered = await renderPortalLinkEmail({
    language: recipient.language,
    recipientName: recipient.name ?? undefined,
    customer: { name: customer.name, isBusiness: customer.isBusiness },
    creditor: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
    portalUrl: link.url,
    expiresAt: { instant: link.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), timeZone: customer.timeZone },
  });
  const messageId = await sendPortalEmail(
    { sql: deps.sql, mailer: deps.mailer, logger: deps.logger, senderName: deps.env.COMPANY_NAME, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
    { customerId: customer.id, recipient, rendered, idempotencyKey: `portal/${formId}/link`, kind: 'portal_link' },
  );
  await deps.sql`insert into portal_link_requests (customer_id, message_ids) values (${customer.id}, ${[messageId]}::uuid[])`;
  return 'sent';
}

/** Handles the request for a fresh link posted from the page of an expired or revoked link. */
export async function handleLinkRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PortalDeps,
  stale: { customer: PortalCustomer; language: PortalLanguage; fields: Record<string, unknown> },
): Promise<FastifyReply> {
  const labels = portalMessages(stale.language);
  const shell = { language: stale.language, basePath: null, currentPath: pathOf(request).replace(/\/link$/, '') };
  const formId = typeof stale.fields.form === 'string' ? stale.fields.form : '';
  const csrf = typeof stale.fields.csrf === 'string' ? stale.fields.csrf : '';
  if (!checkCsrf(request, formId, csrf, deps.secrets)) {
    return sendPage(reply, deps, 403, { ...shell, title: labels.errors.forbiddenTitle }, messageBody(labels.errors.forbidden));
  }

  const claim = await claimForm(deps.sql, formId, stale.customer.id, 'link_request');
  if (claim.kind === 'unknown_or_expired') {
    return sendPage(reply, deps, 403, { ...shell, title: labels.errors.forbiddenTitle }, messageBody(labels.errors.formExpired));
  }
  let result: 'sent' | 'no_contact' | 'too_many';
  if (claim.kind === 'already_used') {
    const [row] = await deps.sql<{ outcome: { result?: 'sent' | 'no_contact' | 'too_many' } | null }[]>`select outcome from portal_forms where id = ${formId}`;
    result = row?.outcome?.result ?? 'sent';
  } else {
    result = await sendFreshLink(deps, stale.customer, formId);
    await storeFormOutcome(deps.sql, formId, { result });
    request.log.info({ customerId: stale.customer.id, result }, 'fresh portal link requested');
  }
  const title = result === 'sent' ? labels.link.sentTitle : labels.link.expiredTitle;
  return sendPage(reply, deps, result === 'too_many' ? 429 : 200, { ...shell, title }, linkRequestBody(result, stale.language));
}
