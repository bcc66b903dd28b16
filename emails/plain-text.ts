import type { EmailMessages } from '../i18n/emails.js';
import type { EmailCreditor } from './layout.js';
import { creditorIdentityLines } from './layout.js';
import type { Statement } from './statement.js';
import { portalActionUrl } from './statement.js';
import { overdueText } from './statement-blocks.js';


// The plain-text part of each e-mail, written from the same statement as the HTML part
// rather than converted from it, so that tables read as lines in any mail client.

/** Returns the invoices as text: two lines per invoice, then the total due per currency. */
export function statementText(statement: Statement, messages: EmailMessages): string {
  const blocks = statement.lines.map((line) =>
    [
      `- ${messages.table.invoiceLine(line.number, line.issueDate, line.dueDate)} (${overdueText(line, messages)})`,
      `  ${messages.table.amountsLine(line.original, line.paid, line.balance)}`,
    ].join('\n'),
  );
  const totals = statement.totals.map((total) => messages.labelled(messages.table.totalDue(total.currency), total.due));
  return [...blocks, '', ...totals].join('\n');
}

/** Returns the claimed penalties as text, or an empty string when none are claimed. */
export function penaltiesText(statement: Statement, messages: EmailMessages): string {
  if (statement.penaltyLines.length === 0) {
    return '';
  }

  const labels = messages.penalties;
  const lines = statement.penaltyLines.map(
    (line) => `- ${messages.labelled(`${messages.table.invoice} ${line.invoiceNumber}`, `${labels.penalty} ${line.penalty}, ${labels.indemnity} ${line.indemnity}`)}`,
  );
  const totals = statement.penaltyTotals.map((total) => labels.totalLine(total.currency, total.total));
  return [labels.heading, ...lines, ...totals].join('\n');
}

/** Returns the portal links as text, one per line. */
export function actionsText(portalUrl: string, messages: EmailMessages): string {
  const labels = messages.actions;
  return [
    labels.intro,
    messages.labelled(labels.portal, portalUrl),
    messages.labelled(labels.pay, portalActionUrl(portalUrl, 'pay')),
    messages.labelled(labels.promise, portalActionUrl(portalUrl, 'promise')),
    messages.labelled(labels.dispute, portalActionUrl(portalUrl, 'dispute')),
  ].join('\n');
}

/** Returns the footer: the creditor's identity, the reply address and the no-attachment notice. */
export function footerText(creditor: EmailCreditor, messages: EmailMessages): string {
  return ['-- ', ...creditorIdentityLines(creditor, messages), messages.footer.contact(creditor.senderEmail), messages.footer.noAttachment].join('\n');
}

/** Joins the paragraphs of a plain-text e-mail, skipping empty ones. */
export function joinParagraphs(paragraphs: string[]): string {
  return `${paragraphs.filter((paragraph) => paragraph.trim() !== '').join('\n\n')}\n`;
}
