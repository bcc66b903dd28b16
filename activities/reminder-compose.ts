import { ApplicationFailure } from '@temporalio/activity';
import { localDateOf } from '../domain/dates.js';
import { renderReminderEmail } from '../emails/reminder.js';
import { signPortalToken } from '../web/portal/token.js';
import type { ActivityDeps } from './deps.js';
import { findEmailRecipient, type Recipient } from './recipients.js';
import type { ReminderDelivery, ReminderLine } from './reminder-delivery.js';

const EMAIL_TONES = { courtesy: 'courtesy', friendly: 'friendly', firm: 'firm', final: 'final', formal_notice: 'final' } as const;

/** Reason a reminder without a recipient is not deliverable. */
export const NO_RECIPIENT = 'no contact has a usable e-mail address';

/** A rendered reminder, ready for the provider. */
export interface ComposedReminder {
  kind: 'ready';
  recipient: Recipient;
  /** The From header: the company's name and sender address. */
  sender: string;
  rendered: { subject: string; html: string; text: string };
}

/**
 * Renders the reminder e-mail of `delivery` for the customer's invoicing recipient, every
 * line's invoice with its own balance. Returns `no_recipient`, with the customer's
 * language, when no contact has a usable address.
 */
export async function composeReminder(deps: ActivityDeps, delivery: ReminderDelivery): Promise<ComposedReminder | { kind: 'no_recipient'; language: 'fr' | 'en' }> {
  const { sql } = deps;
  const [customer] = await sql<{ name: string; is_business: boolean; time_zone: string; portal_link_version: number; language: 'fr' | 'en' }[]>`
    select name, is_business, time_zone, portal_link_version, language from customers where id = ${delivery.customerId}`;
  const invoiceIds = delivery.lines.map((line) => line.invoiceId);
  const invoices = await sql<{ id: string; number: string; issue_date: string; due_date: string }[]>`
    select id, number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date
    from invoices where id in ${sql(invoiceIds)} order by due_date, number`;
  if (!customer || invoices.length !== invoiceIds.length) {
    throw ApplicationFailure.nonRetryable(`customer ${delivery.customerId} or one of invoices ${invoiceIds.join(', ')} is missing`, 'InvalidStepInput');
  }

  const recipient = await findEmailRecipient(sql, delivery.customerId, deps.company.language);
  if (!recipient) return { kind: 'no_recipient', language: customer.language };

  const byInvoice = new Map(delivery.lines.map((line) => [line.invoiceId, line]));
  const expiresAt = new Date(Date.parse(delivery.actedAt) + deps.portal.linkTtlDays * 86_400_000);
  const token = signPortalToken({ customerId: delivery.customerId, linkVersion: customer.portal_link_version, expiresAt }, deps.portal.secrets);
  const penalties = invoices.flatMap((invoice) => penaltyLine(invoice.number, byInvoice.get(invoice.id)));
  const rendered = await renderReminderEmail({
    language: recipient.language,
    tone: EMAIL_TONES[delivery.tone],
    recipientName: recipient.name ?? undefined,
    customer: { name: customer.name, isBusiness: customer.is_business },
    creditor: { name: deps.company.name, siren: deps.company.siren, address: deps.company.address, senderEmail: deps.company.senderEmail },
    invoices: invoices.map((invoice) => {
      const { balance } = byInvoice.get(invoice.id) as ReminderLine;
      return {
        number: invoice.number,
        issueDate: invoice.issue_date,
        dueDate: invoice.due_date,
        currency: balance.currency,
        originalMinor: balance.originalMinor,
        paidMinor: balance.originalMinor - balance.dueMinor,
        dueMinor: balance.dueMinor,
      };
    }),
    asOfDate: localDateOf(delivery.actedAt, customer.time_zone),
    portalUrl: `${deps.portal.baseUrl}/${token}`,
    penalties: penalties.length > 0 ? penalties : undefined,
  });


  return { kind: 'ready', recipient, sender: `${deps.company.name} <${deps.company.senderEmail}>`, rendered };
}

/** Size of the e-mail's bodies in bytes, the weight its carbon line counts. */
export function sizeOf(rendered: { html: string; text: string }): number {
  return Buffer.byteLength(rendered.html) + Buffer.byteLength(rendered.text);
}

/** Turns an invoice's open claims into the e-mail's penalty line, or none when nothing is claimed. */
function penaltyLine(invoiceNumber: string, line: ReminderLine | undefined) {
  if (!line || line.claims.length === 0) return [];
  const penalty = line.claims.find((claim) => claim.kind === 'late_penalties');
  const indemnity = line.claims.find((claim) => claim.kind === 'recovery_indemnity');
  // NOTE: the e-mail's penalty line has one currency, so the 40 EUR indemnity shows only on EUR invoices, as on letters.
  const indemnityMinor = indemnity && indemnity.currency === line.balance.currency ? indemnity.amountMinor : 0;
  return [{ invoiceNumber, currency: line.balance.currency, penaltyMinor: penalty?.amountMinor ?? 0, indemnityMinor }];
}
