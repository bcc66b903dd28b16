import { daysOverdue, formatMoney, formatShortDate } from '../../../emails/format.js';
import { escapeHtml } from '../../layout.js';
import type { Account, AccountInvoice } from '../account.js';
import { portalMessages, type PortalLanguage } from '../messages.js';

// The account statement: open invoices with their balance, penalties and case status,
// totals per currency, invoices settled in the last 12 months, reminders and answers.

function cell(label: string, content: string, className = ''): string {
  return `<td data-label="${escapeHtml(label)}"${className ? ` class="${className}"` : ''}>${content}</td>`;
}

export function statusBadge(invoice: AccountInvoice, language: PortalLanguage): string {
  const messages = portalMessages(language);
  const label = messages.caseStatus[invoice.caseStatus] ?? invoice.caseStatus;
  let detail = '';
  if (invoice.dispute) {
    const reason = messages.disputeReasons[invoice.dispute.reason as keyof typeof messages.disputeReasons] ?? invoice.dispute.reason;
    detail = `<br><span class="muted">${escapeHtml(messages.dispute.openSince(formatShortDate(invoice.dispute.openedOn, language), reason))}</span>`;
  }
  return `<span class="status ${escapeHtml(invoice.caseStatus)}">${escapeHtml(label)}</span>${detail}`;
}

function overdueText(invoice: AccountInvoice, asOfDate: string, language: PortalLanguage): string {
  const labels = portalMessages(language).statement;
  const days = daysOverdue(invoice.dueDate, asOfDate);
  return days > 0 ? `<span class="late">${escapeHtml(labels.overdueDays(days))}</span>` : escapeHtml(labels.notYetDue(-days));
}

function openTable(account: Account, basePath: string, language: PortalLanguage): string {
  const labels = portalMessages(language).statement;
  const money = (minor: number, currency: string) => escapeHtml(formatMoney(minor, currency, language));
  const rows = account.open.map((invoice) => {
    const { balance } = invoice;
    return '<tr>'
      + cell(labels.invoice, escapeHtml(invoice.number))
      + cell(labels.issueDate, escapeHtml(formatShortDate(invoice.issueDate, language)))
      + cell(labels.dueDate, escapeHtml(formatShortDate(invoice.dueDate, language)))
      + cell(labels.daysOverdue, overdueText(invoice, account.asOfDate, language))
      + cell(labels.amount, money(balance.originalMinor, invoice.currency), 'num')
      + cell(labels.paid, money(balance.originalMinor - balance.dueMinor, invoice.currency), 'num')
      + cell(labels.balance, `<strong>${money(balance.dueMinor, invoice.currency)}</strong>`, 'num')
      + cell(labels.status, statusBadge(invoice, language))
      + cell(labels.copy, `<a href="${escapeHtml(`${basePath}/invoices/${invoice.id}/pdf`)}" aria-label="${escapeHtml(labels.copyLabel(invoice.number))}">PDF</a>`)
      + '</tr>';
  });

  const totals = totalsByCurrency(account.open.map((invoice) => [invoice.currency, invoice.balance.dueMinor]));
  const footer = [...totals]
    .map(([currency, total]) => `<tr><td colspan="6" class="total-label">${escapeHtml(labels.totalDue(currency))}</td>`
      + `<td class="num" colspan="3" data-label="${escapeHtml(labels.totalDue(currency))}">${money(total, currency)}</td></tr>`)
    .join('');
  return '<table class="cards"><caption class="muted" style="text-align:left">' + escapeHtml(labels.asOf(formatShortDate(account.asOfDate, language))) + '</caption>'
    + `<thead><tr><th scope="col">${escapeHtml(labels.invoice)}</th><th scope="col">${escapeHtml(labels.issueDate)}</th><th scope="col">${escapeHtml(labels.dueDate)}</th>`
    + `<th scope="col">${escapeHtml(labels.daysOverdue)}</th><th scope="col" class="num">${escapeHtml(labels.amount)}</th><th scope="col" class="num">${escapeHtml(labels.paid)}</th>`
    + `<th scope="col" class="num">${escapeHtml(labels.balance)}</th><th scope="col">${escapeHtml(labels.status)}</th><th scope="col">${escapeHtml(labels.copy)}</th></tr></thead>`
    + `<tbody>${rows.join('')}</tbody><tfoot>${footer}</tfoot></table>`;
}

export function totalsByCurrency(amounts: [string, number][]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [currency, minor] of amounts) totals.set(currency, (totals.get(currency) ?? 0) + minor);
  return totals;
}

function penaltiesSection(account: Account, language: PortalLanguage): string {
  const labels = portalMessages(language).statement;
  const owed = account.open.filter((invoice) => invoice.penalties !== null);
  if (owed.length === 0) return '';
  const rows = owed.map((invoice) => {
    const penalties = invoice.penalties!;
    return '<tr>'
      + cell(labels.invoice, escapeHtml(invoice.number))
      + cell(labels.penalty, escapeHtml(formatMoney(penalties.interestMinor, invoice.currency, language)), 'num')
      + cell(labels.indemnity, escapeHtml(formatMoney(penalties.indemnityMinor, penalties.indemnityCurrency, language)), 'num')
      + '</tr>';
  });
  return `<section aria-labelledby="penalties-heading"><h2 id="penalties-heading">${escapeHtml(labels.penaltiesHeading)}</h2>`
    + `<p class="muted">${escapeHtml(labels.penaltiesNotice)}</p>`
    + `<table class="cards"><thead><tr><th scope="col">${escapeHtml(labels.invoice)}</th><th scope="col" class="num">${escapeHtml(labels.penalty)}</th>`
    + `<th scope="col" class="num">${escapeHtml(labels.indemnity)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function closedSection(account: Account, basePath: string, language: PortalLanguage): string {
  const labels = portalMessages(language).statement;
  const heading = `<h2 id="closed-heading">${escapeHtml(labels.closedHeading)}</h2>`;
  if (account.closed.length === 0) return `<section aria-labelledby="closed-heading">${heading}<p>${escapeHtml(labels.noClosedInvoices)}</p></section>`;
  const rows = account.closed.map((invoice) => '<tr>'
    + cell(labels.invoice, escapeHtml(invoice.number))
    + cell(labels.dueDate, escapeHtml(formatShortDate(invoice.dueDate, language)))
    + cell(labels.amount, escapeHtml(formatMoney(invoice.balance.originalMinor, invoice.currency, language)), 'num')
    + cell(labels.closedOn, invoice.endedOn ? escapeHtml(formatShortDate(invoice.endedOn, language)) : '–')
    + cell(labels.status, statusBadge(invoice, language))
    + cell(labels.copy, `<a href="${escapeHtml(`${basePath}/invoices/${invoice.id}/pdf`)}" aria-label="${escapeHtml(labels.copyLabel(invoice.number))}">PDF</a>`)
    + '</tr>');
  return `<section aria-labelledby="closed-heading">${heading}<table class="cards"><thead><tr><th scope="col">${escapeHtml(labels.invoice)}</th>`
    + `<th scope="col">${escapeHtml(labels.dueDate)}</th><th scope="col" class="num">${escapeHtml(labels.amount)}</th><th scope="col">${escapeHtml(labels.closedOn)}</th>`
    + `<th scope="col">${escapeHtml(labels.status)}</th><th scope="col">${escapeHtml(labels.copy)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function historySections(account: Account, language: PortalLanguage, timeZone: string): string {
  const messages = portalMessages(language);
  const labels = messages.statement;
  const when = (instant: Date) => escapeHtml(formatShortDate(instant.toLocaleDateString('en-CA', { timeZone }), language));

  const reminders = account.reminders.length === 0
    ? `<p>${escapeHtml(labels.noReminders)}</p>`
    : `<table class="cards"><thead><tr><th scope="col">${escapeHtml(labels.sentOn)}</th><th scope="col">${escapeHtml(labels.subject)}</th><th scope="col">${escapeHtml(labels.invoices)}</th></tr></thead><tbody>`
      + account.reminders.map((reminder) => '<tr>' + cell(labels.sentOn, when(reminder.sentAt)) + cell(labels.subject, escapeHtml(reminder.subject ?? '–'))
        + cell(labels.invoices, escapeHtml(reminder.invoiceNumbers.join(', '))) + '</tr>').join('')
      + '</tbody></table>';

  // French puts a space before the colon.
  const colon = language === 'fr' ? ' : ' : ': ';
  const answerText = (type: string, data: Record<string, unknown>) => {
    const name = messages.answerTypes[type] ?? type;
    if (type === 'promise_made' && typeof data.promisedDate === 'string' && typeof data.amountMinor === 'number' && typeof data.currency === 'string') {
      return `${name}${colon}${formatShortDate(data.promisedDate, language)}, ${formatMoney(data.amountMinor, data.currency, language)}`;
    }
    if (type === 'dispute_opened' && typeof data.reason === 'string') {
      return `${name}${colon}${messages.disputeReasons[data.reason as keyof typeof messages.disputeReasons] ?? data.reason}`;
    }
    return name;
  };
  const answers = account.answers.length === 0
    ? `<p>${escapeHtml(labels.noAnswers)}</p>`
    : `<table class="cards"><thead><tr><th scope="col">${escapeHtml(labels.sentOn)}</th><th scope="col">${escapeHtml(labels.invoice)}</th><th scope="col">${escapeHtml(labels.answer)}</th></tr></thead><tbody>`
      + account.answers.map((answer) => '<tr>' + cell(labels.sentOn, when(answer.occurredAt)) + cell(labels.invoice, escapeHtml(answer.invoiceNumber))
        + cell(labels.answer, escapeHtml(answerText(answer.type, answer.data))) + '</tr>').join('')
      + '</tbody></table>';

  return `<section aria-labelledby="reminders-heading"><h2 id="reminders-heading">${escapeHtml(labels.remindersHeading)}</h2>${reminders}</section>`
    + `<section aria-labelledby="answers-heading"><h2 id="answers-heading">${escapeHtml(labels.answersHeading)}</h2>${answers}</section>`;
}

/** Renders the body of the statement page. */
export function statementBody(account: Account, customerName: string, basePath: string, language: PortalLanguage, timeZone: string): string {
  const labels = portalMessages(language).statement;
  const open = account.open.length === 0 ? `<p>${escapeHtml(labels.noOpenInvoices)}</p>` : openTable(account, basePath, language);
  return `<p class="muted">${escapeHtml(labels.greeting(customerName))}</p>`
    + `<section aria-labelledby="open-heading"><h2 id="open-heading">${escapeHtml(labels.openHeading)}</h2>${open}</section>`
    + penaltiesSection(account, language)
    + closedSection(account, basePath, language)
    + historySections(account, language, timeZone);
}
