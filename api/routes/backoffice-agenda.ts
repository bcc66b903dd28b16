import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { localDateOf } from '../../domain/dates.js';
import { fieldsOf, flashOf, MANAGERS, redirectWith, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { calendarDate, instant, money } from '../../web/backoffice/format.js';
import { csrfField, h, messagesOf } from '../../web/backoffice/layout.js';
import { recordOperatorEvent } from '../../web/backoffice/operator-events.js';
import { callBrief, outcomeForm, parseOutcome } from '../../web/backoffice/task-forms.js';
import { resolveDisputeForm } from '../../web/backoffice/case-actions.js';
import { updateCase } from '../services/cases.js';
import { completeTask } from '../services/task-completion.js';
import { listAgenda, readTaskDetail } from '../services/tasks.js';
import { registerPrintQueueRoutes } from './backoffice-print-queue.js';

// The agenda, the back-office home page: open tasks due today or overdue (calls,
// letters to post, visits, steps to confirm), disputes to resolve and promises falling
// due, filterable by collector. A customer's calls, and its visits, are one row listing
// every invoice. Each task opens its page with the form that does it.

const idSchema = z.object({ id: z.uuid() });

async function collectors(deps: BackofficeDeps): Promise<string[]> {
  const rows = await deps.sql<{ name: string }[]>`
    select distinct assignee as name from tasks where status = 'open' and assignee is not null
    union select email from users where role = 'collector' and disabled_at is null
    order by 1`;
  return rows.map((row) => row.name);
}

async function openDisputes(deps: BackofficeDeps) {
  return deps.sql<{ invoice_id: string; number: string; customer: string; amount_due_minor: number | null; currency: string | null; opened_at: Date | null; detail: string | null }[]>`
    select c.invoice_id, i.number, cu.name as customer, c.amount_due_minor, c.currency, e.occurred_at as opened_at, e.data->>'detail' as detail
    from cases c join invoices i on i.id = c.invoice_id join customers cu on cu.id = c.customer_id
      left join lateral (select occurred_at, data from case_events where workflow_id = c.workflow_id and type = 'dispute_opened' order by id desc limit 1) e on true
    where c.status = 'disputed' order by e.occurred_at nulls last limit 100`;
}

/** Promised cases whose promised date (first word of the workflow's promise_made detail) falls within 7 days or has passed. */
async function promisesFallingDue(deps: BackofficeDeps) {
  return deps.sql<{ invoice_id: string; number: string; customer: string; promised_date: string; promised_minor: number; currency: string | null }[]>`
    select c.invoice_id, i.number, cu.name as customer, p.promised_date, p.promised_minor, c.currency
    from cases c join invoices i on i.id = c.invoice_id join customers cu on cu.id = c.customer_id
      join lateral (
        select split_part(data->>'detail', ' ', 1) as promised_date, nullif(split_part(data->>'detail', ' ', 2), '')::bigint as promised_minor
        from case_events where workflow_id = c.workflow_id and type = 'promise_made' order by id desc limit 1) p on true
    where c.status = 'promised' and p.promised_date ~ '^\\d{4}-\\d{2}-\\d{2}$'
      and p.promised_date::date <= (now() at time zone cu.time_zone)::date + 7
    order by p.promised_date limit 100`;
}

async function agendaPage(request: FastifyRequest, deps: BackofficeDeps) {
  const session = sessionOf(request);
  const language = session.user.language;
  const messages = messagesOf(language);
  const assignee = z.string().trim().max(200).optional().parse((request.query as Record<string, unknown>).assignee) || undefined;

  const [agenda, names, disputes, promises] = await Promise.all([
    listAgenda(deps.sql, { assignee, limit: 200 }),
    collectors(deps),
    openDisputes(deps),
    promisesFallingDue(deps),
  ]);

  const options = [`<option value="">${h(messages.agenda.everyone)}</option>`]
    .concat(names.map((name) => `<option value="${h(name)}"${name === assignee ? ' selected' : ''}>${h(name)}</option>`))
    .join('');
  const filter = `<form method="get" action="/backoffice" class="inline"><div><label for="assignee">${h(messages.agenda.collector)}</label>`
    + `<select id="assignee" name="assignee">${options}</select></div><button type="submit">${h(messages.agenda.filter)}</button></form>`;

  // A call or visit covers every invoice of its group: one row, each invoice with its balance, totals per currency.
  const taskRows = agenda.tasks
    .map((task) => {
      const invoices = task.invoices.length > 0
        ? task.invoices.map((invoice) => `<a href="/backoffice/cases/${invoice.invoiceId}">${h(invoice.invoiceNumber)}</a> <span class="muted">${money(invoice.dueMinor, invoice.currency, language)}</span>`).join('<br>')
        : task.invoiceId ? `<a href="/backoffice/cases/${task.invoiceId}">${h(task.invoiceNumber ?? '')}</a>` : '';
      const totals = task.totals.map((total) => money(total.dueMinor, total.currency, language)).join('<br>');
      return `<tr><td>${instant(task.dueAt, task.customerTimeZone, language)}</td><td>${h(messages.agenda.kinds[task.kind] ?? task.kind)}</td>`
        + `<td>${h(task.customerName)}</td><td>${invoices}</td><td class="num">${totals}</td>`
        + `<td>${h(task.assignee ?? '')}</td><td><a href="/backoffice/tasks/${task.id}">${h(messages.agenda.open)}<span class="muted"> · ${h(messages.agenda.kinds[task.kind] ?? task.kind)} ${h(task.customerName)}</span></a></td></tr>`;
    })
    .join('');
  const tasks = agenda.tasks.length === 0
    ? `<p>${h(messages.agenda.noTasks)}</p>`
    : `<table><thead><tr><th>${h(messages.agenda.due)}</th><th>${h(messages.agenda.kind)}</th><th>${h(messages.agenda.customer)}</th><th>${h(messages.agenda.invoices)}</th>`
      + `<th class="num">${h(messages.agenda.amountDue)}</th><th>${h(messages.agenda.assignee)}</th><th></th></tr></thead><tbody>${taskRows}</tbody></table>`;

  const disputeRows = disputes
    .map((dispute) => `<tr><td><a href="/backoffice/cases/${dispute.invoice_id}">${h(dispute.number)}</a></td><td>${h(dispute.customer)}</td>`
      + `<td class="num">${money(dispute.amount_due_minor, dispute.currency, language)}</td><td>${instant(dispute.opened_at, 'Europe/Paris', language)}</td><td>${h(dispute.detail ?? '')}</td>`
      + `<td>${MANAGERS.includes(session.user.role) ? resolveDisputeForm(dispute.invoice_id, session, language, '/backoffice') : ''}</td></tr>`)
    .join('');
  const disputeTable = disputes.length === 0
    ? `<p>${h(messages.agenda.noDisputes)}</p>`
    : `<table><thead><tr><th>${h(messages.agenda.invoice)}</th><th>${h(messages.agenda.customer)}</th><th class="num">${h(messages.agenda.amount)}</th><th>${h(messages.agenda.openedAt)}</th><th>${h(messages.agenda.reason)}</th><th></th></tr></thead><tbody>${disputeRows}</tbody></table>`;

  const promiseRows = promises
    .map((promise) => `<tr><td><a href="/backoffice/cases/${promise.invoice_id}">${h(promise.number)}</a></td><td>${h(promise.customer)}</td>`
      + `<td>${calendarDate(promise.promised_date, language)}</td><td class="num">${money(promise.promised_minor, promise.currency, language)}</td></tr>`)
    .join('');
  const promiseTable = promises.length === 0
    ? `<p>${h(messages.agenda.noPromises)}</p>`
    : `<table><thead><tr><th>${h(messages.agenda.invoice)}</th><th>${h(messages.agenda.customer)}</th><th>${h(messages.agenda.promisedDate)}</th><th class="num">${h(messages.agenda.amount)}</th></tr></thead><tbody>${promiseRows}</tbody></table>`;

  const today = localDateOf(new Date(), 'Europe/Paris');
  return {
    title: messages.agenda.title,
    body: `<p>${h(messages.agenda.intro(calendarDate(today, language)))}</p>${filter}`
      + `<section aria-labelledby="tasks-heading"><h2 id="tasks-heading">${h(messages.agenda.tasksHeading)}</h2>${tasks}</section>`
      + `<section aria-labelledby="disputes-heading"><h2 id="disputes-heading">${h(messages.agenda.disputesHeading)}</h2>${disputeTable}</section>`
      + `<section aria-labelledby="promises-heading"><h2 id="promises-heading">${h(messages.agenda.promisesHeading)}</h2>${promiseTable}</section>`,
  };
}

async function closeTask(deps: BackofficeDeps, taskId: string, outcome: Record<string, unknown>): Promise<void> {
  await deps.sql`
    update tasks set status = 'done', completed_at = now(), outcome = ${deps.sql.json(outcome as never)} where id = ${taskId} and status = 'open'`;
}

export function registerAgendaRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/', async (request, reply) => sendPage(request, reply, deps, { ...(await agendaPage(request, deps)), flash: flashOf(request) }));

  office.get('/tasks/:id', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const language = session.user.language;
    const messages = messagesOf(language);
    const detail = await readTaskDetail(deps.sql, id, deps.env.COMPANY_NAME);
    const task = detail.task;
    const action = `/backoffice/tasks/${id}`;
    const invoiceLinks = task.invoices.length > 0
      ? task.invoices.map((invoice) => `<a href="/backoffice/cases/${invoice.invoiceId}">${h(invoice.invoiceNumber)}</a>`).join(', ')
      : task.invoiceId ? `<a href="/backoffice/cases/${task.invoiceId}">${h(task.invoiceNumber ?? '')}</a>` : '';
    const header = `<p>${h(task.customerName)}${invoiceLinks ? ` · ${invoiceLinks}` : ''} · ${instant(task.dueAt, task.customerTimeZone, language)}</p>`;

    let form = '';
    if (task.status !== 'open') form = `<p class="notice">${h(messages.task.completed)}</p>`;
    else if (task.kind === 'call' || task.kind === 'visit') form = `${callBrief(detail, language)}${outcomeForm(detail, session, language, action)}`;
    else if (task.kind === 'letter') {
      const [letter] = await deps.sql<{ id: string }[]>`select l.id from letters l join tasks t on t.idempotency_key = l.idempotency_key where t.id = ${id}`;
      form = letter
        ? `<p><a href="/backoffice/print-queue/${letter.id}/pdf">${h(messages.task.letter)}</a></p><form method="post" action="/backoffice/print-queue/${letter.id}/dispatch">${csrfField(session)}`
          + `<div class="field"><label for="trackingRef">${h(messages.task.trackingRef)}</label><input id="trackingRef" name="trackingRef" maxlength="100"></div><button type="submit">${h(messages.task.dispatch)}</button></form>`
        : '';
    } else if (task.kind === 'dispute' && task.invoiceId && MANAGERS.includes(session.user.role)) form = resolveDisputeForm(task.invoiceId, session, language, '/backoffice');
    else {
      const label = task.kind === 'confirm_step' ? messages.task.confirm : messages.task.close;
      form = `<form method="post" action="${action}">${csrfField(session)}<input type="hidden" name="action" value="${task.kind === 'confirm_step' ? 'confirm' : 'close'}"><button type="submit">${h(label)}</button></form>`;
    }
    return sendPage(request, reply, deps, { title: messages.task.title(messages.agenda.kinds[task.kind] ?? task.kind), body: header + form, flash: flashOf(request) });
  });

  office.post('/tasks/:id', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const messages = messagesOf(session.user.language);
    const fields = fieldsOf(request);
    const detail = await readTaskDetail(deps.sql, id, deps.env.COMPANY_NAME);
    const task = detail.task;
    const author = { id: session.user.id, email: session.user.email };

    if (fields.action === 'complete') {
      await completeTask(deps.sql, deps.temporal, id, parseOutcome(fields, task.customerTimeZone, session.user.email));
    } else if (fields.action === 'confirm' && task.invoiceId) {
      await updateCase(deps.sql, deps.temporal, task.invoiceId, 'confirmStep', { author: session.user.email, stepKey: task.stepKey ?? undefined });
      await closeTask(deps, id, { outcome: 'confirmed', author: session.user.email });
      await recordOperatorEvent(deps.sql, { invoiceId: task.invoiceId, type: 'step_confirmed', author, data: { taskId: id, stepKey: task.stepKey }, idempotencyKey: `task/${id}/confirmed` });
    } else {
      await closeTask(deps, id, { outcome: 'done', author: session.user.email });
      if (task.invoiceId) await recordOperatorEvent(deps.sql, { invoiceId: task.invoiceId, type: `${task.kind}_closed`, author, data: { taskId: id }, idempotencyKey: `task/${id}/closed` });
    }
    request.log.info({ taskId: id, kind: task.kind, invoiceId: task.invoiceId, userId: session.user.id }, 'back-office task done');
    return redirectWith(reply, '/backoffice', messages.task.completed);
  });

  registerPrintQueueRoutes(office, deps);
}
