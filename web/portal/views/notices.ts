import { formatDate } from '../../../emails/format.js';
import { escapeHtml } from '../../layout.js';
import type { FormProtection } from '../forms.js';
import { portalMessages, type PortalLanguage } from '../messages.js';
import { hiddenProtection } from './layout.js';

// Pages that report something rather than show the account: the outcome of an answer,
// an expired or invalid link, and errors.

export type InvoiceResult = 'applied' | 'ended' | 'rejected' | 'no_case' | 'recorded';

/** What a submitted form did, stored with the form so that a second click shows it again. */
export interface FormOutcome {
  kind: 'promise' | 'dispute' | 'already_paid';
  promisedDate?: string;
  confirmationSent?: boolean;
  invoices: { number: string; result: InvoiceResult; status: string }[];
}

export function outcomeBody(outcome: FormOutcome | null, basePath: string, language: PortalLanguage): string {
  const messages = portalMessages(language);
  const labels = messages.outcome;
  if (!outcome) return `<p class="notice" role="status">${escapeHtml(labels.pending)}</p>`;

  const intro = outcome.kind === 'promise'
    ? messages.promise.resultIntro(formatDate(outcome.promisedDate ?? '', language))
    : outcome.kind === 'dispute' ? messages.dispute.resultIntro : messages.alreadyPaid.resultIntro;
  const lines = outcome.invoices.map((invoice) => {
    const status = messages.caseStatus[invoice.status] ?? invoice.status;
    const text = {
      applied: labels.applied(invoice.number, status),
      ended: labels.ended(invoice.number, status),
      rejected: labels.rejected(invoice.number),
      no_case: labels.noCase(invoice.number),
      recorded: labels.recorded(invoice.number),
    }[invoice.result];
    return `<li data-result="${invoice.result}" data-status="${escapeHtml(invoice.status)}">${escapeHtml(text)}</li>`;
  });
  const confirmation = outcome.confirmationSent ? `<p>${escapeHtml(messages.promise.confirmationSent)}</p>` : '';
  return `<div class="notice" role="status"><p>${escapeHtml(intro)}</p></div>`
    + `<section aria-labelledby="outcome-heading"><h2 id="outcome-heading">${escapeHtml(labels.heading)}</h2><ul>${lines.join('')}</ul>${confirmation}</section>`
    + `<p><a class="button" href="${escapeHtml(basePath)}">${escapeHtml(labels.backToStatement)}</a></p>`;
}

export function outcomeTitle(kind: FormOutcome['kind'] | undefined, language: PortalLanguage): string {
  const messages = portalMessages(language);
  if (kind === 'dispute') return messages.dispute.resultHeading;
  if (kind === 'already_paid') return messages.alreadyPaid.resultHeading;
  return messages.promise.resultHeading;
}

/** The page of an expired or revoked link: a button sends a fresh link to the contacts on file. */
export function staleLinkBody(reason: 'expired' | 'revoked', action: string, protection: FormProtection, language: PortalLanguage): string {
  const labels = portalMessages(language).link;
  return `<p>${escapeHtml(reason === 'expired' ? labels.expired : labels.revoked)}</p>`
    + `<form method="post" action="${escapeHtml(action)}" class="card">${hiddenProtection(protection.formId, protection.csrfToken)}`
    + `<button type="submit">${escapeHtml(labels.sendFresh)}</button></form>`;
}

export function linkRequestBody(result: 'sent' | 'no_contact' | 'too_many', language: PortalLanguage): string {
  const labels = portalMessages(language).link;
  const text = { sent: labels.sent, no_contact: labels.noContact, too_many: labels.tooMany }[result];
  return `<p class="notice" role="status">${escapeHtml(text)}</p>`;
}

export function messageBody(text: string, link?: { href: string; label: string }): string {
  return `<p>${escapeHtml(text)}</p>` + (link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '');
}
