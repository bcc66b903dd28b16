import type { Session, UserRole } from '../../api/services/users.js';
import { MANAGERS } from './context.js';
import { csrfField, h, messagesOf, type BackofficeLanguage } from './layout.js';

// Forms of the actions on a running case. Each posts to
// /backoffice/cases/:invoiceId/actions with the action's name and a page to go back to.

/** The actions a form may post, and the roles allowed to post each. */
export const CASE_ACTION_ROLES: Record<string, UserRole[] | undefined> = {
  pause: undefined,
  resume: undefined,
  skip: undefined,
  'record-call': undefined,
  escalate: MANAGERS,
  'write-off': MANAGERS,
  'resolve-dispute': MANAGERS,
};

function open(invoiceId: string, session: Session, action: string, back: string, className = 'inline'): string {
  return `<form method="post" action="/backoffice/cases/${invoiceId}/actions" class="${className}">${csrfField(session)}`
    + `<input type="hidden" name="action" value="${action}"><input type="hidden" name="back" value="${h(back)}">`;
}

function field(id: string, label: string, control: string): string {
  return `<div><label for="${id}">${h(label)}</label>${control}</div>`;
}

export function resolveDisputeForm(invoiceId: string, session: Session, language: BackofficeLanguage, back: string): string {
  const messages = messagesOf(language).casePage;
  const id = `resolution-${invoiceId}`;
  const options = Object.entries(messages.resolutions).map(([value, text]) => `<option value="${value}">${h(text)}</option>`).join('');
  return open(invoiceId, session, 'resolve-dispute', back)
    + field(id, messages.resolution, `<select id="${id}" name="outcome">${options}</select>`)
    + field(`note-${invoiceId}`, messages.reasonLabel, `<input id="note-${invoiceId}" name="note" maxlength="2000">`)
    + `<button type="submit">${h(messages.resolveDispute)}</button></form>`;
}

/** Every action form the user's role allows on a case in its current status. */
export function caseActionForms(invoiceId: string, status: string, session: Session, language: BackofficeLanguage): string {
  const messages = messagesOf(language);
  const labels = messages.casePage;
  const back = `/backoffice/cases/${invoiceId}`;
  const manager = MANAGERS.includes(session.user.role);
  const forms: string[] = [];

  if (status === 'paused') {
    forms.push(`${open(invoiceId, session, 'resume', back)}<button type="submit">${h(labels.resume)}</button></form>`);
  } else {
    forms.push(open(invoiceId, session, 'pause', back)
      + field('pause-until', labels.pauseUntil, '<input id="pause-until" name="until" type="date">')
      + field('pause-reason', labels.reasonLabel, '<input id="pause-reason" name="reason" maxlength="2000">')
      + `<button type="submit">${h(labels.pause)}</button></form>`);
  }
  forms.push(`${open(invoiceId, session, 'skip', back)}<button type="submit" class="secondary">${h(labels.skip)}</button></form>`);
  if (manager) {
    forms.push(`${open(invoiceId, session, 'escalate', back)}<button type="submit" class="secondary">${h(labels.escalate)}</button></form>`);
    if (status === 'disputed') forms.push(resolveDisputeForm(invoiceId, session, language, back));
    forms.push(open(invoiceId, session, 'write-off', back)
      + field('write-off-reason', labels.writeOffReason, '<input id="write-off-reason" name="reason" minlength="3" maxlength="2000" required>')
      + `<button type="submit" class="secondary">${h(labels.writeOff)}</button></form>`);
  }

  const outcomes = Object.entries(messages.task.outcomes).map(([value, text]) => `<option value="${value}">${h(text)}</option>`).join('');
  forms.push(`<details><summary>${h(labels.recordCall)}</summary>${open(invoiceId, session, 'record-call', back, '')}`
    + `<div class="field"><label for="call-outcome">${h(messages.task.outcome)}</label><select id="call-outcome" name="outcome">${outcomes}</select></div>`
    + `<div class="field"><label for="call-minutes">${h(messages.task.durationMinutes)}</label><input id="call-minutes" name="durationMinutes" type="number" min="0" max="600" value="0" required></div>`
    + `<div class="field"><label for="call-date">${h(messages.task.promisedDate)}</label><input id="call-date" name="promisedDate" type="date"></div>`
    + `<div class="field"><label for="call-amount">${h(messages.task.promisedAmount)}</label><input id="call-amount" name="amountMinor" type="number" min="1"></div>`
    + `<div class="field"><label for="call-back">${h(messages.task.callBackAt)}</label><input id="call-back" name="callBackAt" type="datetime-local"></div>`
    + `<button type="submit">${h(messages.task.complete)}</button></form></details>`);
  return forms.map((form) => `<div>${form}</div>`).join('');
}
