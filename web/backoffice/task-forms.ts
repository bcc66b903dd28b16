import type { readTaskDetail } from '../../api/services/tasks.js';
import { taskCompletionSchema, type TaskCompletion } from '../../api/services/task-completion.js';
import { disputeReasonSchema } from '../../domain/case.js';
import { zonedTimeToInstant } from '../../domain/dates.js';
import type { Session } from '../../api/services/users.js';
import { money } from './format.js';
import { csrfField, h, messagesOf, type BackofficeLanguage } from './layout.js';

// The form of each task kind on its page, and the reading of a submitted call or visit
// outcome into the task completion service's input.

type TaskDetail = Awaited<ReturnType<typeof readTaskDetail>>;

const OUTCOMES = ['reached_promised', 'reached_disputed', 'no_answer', 'wrong_number', 'call_back'] as const;

function select(name: string, label: string, options: [string, string][], required = false): string {
  const choices = options.map(([value, text]) => `<option value="${h(value)}">${h(text)}</option>`).join('');
  return `<div class="field"><label for="${name}">${h(label)}</label><select id="${name}" name="${name}"${required ? ' required' : ''}>${choices}</select></div>`;
}

function input(name: string, label: string, type: string, extra = ''): string {
  return `<div class="field"><label for="${name}">${h(label)}</label><input id="${name}" name="${name}" type="${type}"${extra}></div>`;
}

/** The outcome form of a call or a visit: outcome code, then the fields that outcome needs. */
export function outcomeForm(detail: TaskDetail, session: Session, language: BackofficeLanguage, action: string): string {
  const messages = messagesOf(language);
  const kind = detail.task.kind;
  const reasons = disputeReasonSchema.options.map((reason): [string, string] => [reason, messages.disputeReasons[reason] ?? reason]);
  const measure = kind === 'visit'
    ? input('distanceKm', messages.task.distanceKm, 'number', ' min="0" max="2000" step="0.1" required')
    : input('durationMinutes', messages.task.durationMinutes, 'number', ' min="0" max="600" step="1" value="0" required');
  return `<form method="post" action="${action}">${csrfField(session)}<input type="hidden" name="action" value="complete">`
    + select('outcome', messages.task.outcome, OUTCOMES.map((outcome): [string, string] => [outcome, messages.task.outcomes[outcome] ?? outcome]), true)
    + measure
    + `<fieldset><legend>${h(messages.task.outcomes.reached_promised ?? '')}</legend>`
    + input('promisedDate', messages.task.promisedDate, 'date')
    + input('amountMinor', detail.amountsDue.length > 1 ? messages.task.promisedAmountGroup : messages.task.promisedAmount, 'number', ` min="1" step="1" value="${promisedDefault(detail)}"`)
    + `</fieldset><fieldset><legend>${h(messages.task.outcomes.reached_disputed ?? '')}</legend>`
    + select('reason', messages.task.disputeReason, reasons)
    + disputedInvoices(detail, language)
    + `<div class="field"><label for="comment">${h(messages.task.comment)}</label><textarea id="comment" name="comment" rows="2" cols="40" maxlength="2000"></textarea></div>`
    + `</fieldset><fieldset><legend>${h(messages.task.outcomes.call_back ?? '')}</legend>`
    + input('callBackAt', messages.task.callBackAt, 'datetime-local')
    + `</fieldset><button type="submit">${h(messages.task.complete)}</button></form>`;
}

/** Renders a box per invoice of a grouped call, so a dispute names its invoices. With no box ticked, the dispute covers them all. */
function disputedInvoices(detail: TaskDetail, language: BackofficeLanguage): string {
  if (detail.amountsDue.length < 2) return '';
  const messages = messagesOf(language);
  const boxes = detail.amountsDue
    .map((amount) => `<div><input type="checkbox" id="disputed-${amount.invoiceId}" name="disputed-${amount.invoiceId}" value="1"><label for="disputed-${amount.invoiceId}">${h(amount.number)}</label></div>`)
    .join('');
  return `<fieldset><legend>${h(messages.task.disputedInvoices)}</legend>${boxes}</fieldset>`;
}

/** Returns the whole balance due when the call's invoices share one currency, since one amount cannot cover several currencies. */
function promisedDefault(detail: TaskDetail): string {
  const [total, other] = detail.totals;
  return total && !other && total.dueMinor > 0 ? String(total.dueMinor) : '';
}

/** Renders the call script, the contact to call and the amounts due with their totals, above the outcome form. */
export function callBrief(detail: TaskDetail, language: BackofficeLanguage): string {
  const messages = messagesOf(language);
  const contact = detail.contact
    ? `<p><strong>${h(messages.task.contact)}:</strong> ${h(detail.contact.name ?? '')} · <a href="tel:${h(detail.contact.phone ?? '')}">${h(detail.contact.phone ?? '')}</a></p>`
    : `<p class="muted">${h(messages.task.noPhone)}</p>`;
  const amounts = detail.amountsDue
    .map((amount) => `<li>${h(amount.number)} · ${h(amount.dueDate)} · ${money(amount.dueMinor, amount.currency, language)}</li>`)
    .join('');
  const totals = detail.amountsDue.length > 1
    ? `<ul>${detail.totals.map((total) => `<li><strong>${h(messages.task.total(total.currency))}</strong> ${money(total.dueMinor, total.currency, language)}</li>`).join('')}</ul>`
    : '';
  const group = detail.amountsDue.length > 1 ? `<p class="notice">${h(messages.task.groupNote(detail.amountsDue.length))}</p>` : '';
  const script = detail.script ? `<h2>${h(messages.task.script)}</h2><pre lang="${detail.script.language}">${h(detail.script.text)}</pre>` : '';
  return `${contact}${group}<h2>${h(messages.task.amountsDue)}</h2><ul>${amounts}</ul>${totals}${script}`;
}

/** Reads a submitted outcome form into the completion service's input; throws ZodError on a missing or invalid field. */
export function parseOutcome(fields: Record<string, string>, timeZone: string, author: string): TaskCompletion {
  const optionalNumber = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
  const callBack = fields.callBackAt ? fields.callBackAt.split('T') : [];
  const callBackAt = callBack[0] && callBack[1] ? zonedTimeToInstant(callBack[0], callBack[1].slice(0, 5), timeZone).toISOString() : undefined;
  const disputed = Object.keys(fields).filter((name) => name.startsWith('disputed-')).map((name) => name.slice('disputed-'.length));
  return taskCompletionSchema.parse({
    outcome: fields.outcome,
    durationMinutes: optionalNumber(fields.durationMinutes),
    distanceKm: optionalNumber(fields.distanceKm),
    promisedDate: fields.promisedDate || undefined,
    amountMinor: optionalNumber(fields.amountMinor),
    reason: fields.reason || undefined,
    comment: fields.comment || undefined,
    invoiceIds: fields.outcome === 'reached_disputed' && disputed.length > 0 ? disputed : undefined,
    callBackAt,
    author,
  });
}
