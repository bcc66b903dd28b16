import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zonedTimeToInstant } from '../../domain/dates.js';
import { CASE_ACTION_ROLES } from '../../web/backoffice/case-actions.js';
import { caseListBody, caseListQuerySchema, listCases } from '../../web/backoffice/case-list.js';
import { casePageBody, dryRunOfCase, readCaseContext, readTimeline, temporalUrlOf } from '../../web/backoffice/case-page.js';
import { fieldsOf, flashOf, redirectWith, sendForbidden, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { messagesOf } from '../../web/backoffice/layout.js';
import { recordOperatorEvent } from '../../web/backoffice/operator-events.js';
import { parseOutcome } from '../../web/backoffice/task-forms.js';
import { notFound } from '../errors.js';
import { readCase, updateCase, type CaseUpdateName } from '../services/cases.js';
import { completeTask } from '../services/task-completion.js';

// The case list and the page of a case, with its actions sent to the running workflow
// through updateCase; each action also goes to the case history with its author.

const idSchema = z.object({ id: z.uuid() });

const UPDATES: Record<string, CaseUpdateName> = {
  pause: 'pause',
  resume: 'resume',
  skip: 'skipStep',
  escalate: 'escalate',
  'write-off': 'writeOff',
  'resolve-dispute': 'resolveDispute',
};

export function registerBackofficeCaseRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/cases', async (request, reply) => {
    const session = sessionOf(request);
    const query = caseListQuerySchema.parse(request.query);
    const result = await listCases(deps.sql, query);
    const messages = messagesOf(session.user.language);
    return sendPage(request, reply, deps, { title: messages.cases.title, body: caseListBody(result, query, session.user.language) });
  });

  office.get('/cases/:id', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const language = session.user.language;
    const context = await readCaseContext(deps.sql, id);
    if (!context) throw notFound('invoice', id);
    const view = await readCase(deps.sql, deps.temporal, id);
    const plan = await dryRunOfCase(deps.sql, view, context).catch((error: unknown) => {
      request.log.warn({ err: error, invoiceId: id }, 'dry run of the case plan failed');
      return null;
    });
    const timeline = await readTimeline(deps.sql, view, language);
    const footprint = await deps.sql<{ channel: string; quantity: number; unit: string; grams: number }[]>`
      select channel, sum(quantity)::float8 as quantity, min(unit) as unit, sum(grams_co2e)::float8 as grams
      from carbon_ledger where workflow_id = ${view.case.workflow_id} group by channel order by channel`;
    const body = casePageBody({ view, context, plan, timeline, footprint, temporalUrl: temporalUrlOf(deps.env, view.case.workflow_id), session, language });
    return sendPage(request, reply, deps, { title: messagesOf(language).casePage.title(context.number), body, flash: flashOf(request) });
  });

  office.post('/cases/:id/actions', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const fields = fieldsOf(request);
    const action = z.enum(Object.keys(CASE_ACTION_ROLES) as [string, ...string[]]).parse(fields.action);
    const roles = CASE_ACTION_ROLES[action];
    if (roles && !roles.includes(session.user.role)) return sendForbidden(request, reply, deps);

    const context = await readCaseContext(deps.sql, id);
    if (!context) throw notFound('invoice', id);
    const author = session.user.email;
    const reason = fields.reason?.trim() || undefined;
    let data: Record<string, unknown>;

    if (action === 'record-call') {
      data = await recordCall(deps, id, fields, context.timeZone, author);
    } else {
      const input: Record<string, unknown> = { author, reason };
      if (action === 'pause' && fields.until) input.until = zonedTimeToInstant(fields.until, '09:00', context.timeZone).toISOString();
      if (action === 'resolve-dispute') Object.assign(input, { outcome: fields.outcome, note: fields.note?.trim() || undefined, reason: undefined });
      const state = await updateCase(deps.sql, deps.temporal, id, UPDATES[action] as CaseUpdateName, input);
      if (action === 'resolve-dispute') {
        await deps.sql`
          update tasks set status = 'done', completed_at = now(), outcome = ${deps.sql.json({ outcome: fields.outcome, author } as never)}
          where invoice_id = ${id} and kind = 'dispute' and status = 'open'`;
      }
      data = { ...input, status: state.status };
    }

    await recordOperatorEvent(deps.sql, { invoiceId: id, type: `operator_${action.replaceAll('-', '_')}`, author: { id: session.user.id, email: author }, data });
    request.log.info({ invoiceId: id, action, userId: session.user.id }, 'back-office case action applied');
    const back = fields.back?.startsWith('/backoffice') ? fields.back : `/backoffice/cases/${id}`;
    return redirectWith(reply, back, messagesOf(session.user.language).done);
  });
}

/** Records a call made outside the agenda: opens a call task for it and completes it through the task completion service. */
async function recordCall(deps: BackofficeDeps, invoiceId: string, fields: Record<string, string>, timeZone: string, author: string): Promise<Record<string, unknown>> {
  const completion = parseOutcome(fields, timeZone, author);
  const [task] = await deps.sql<{ id: string }[]>`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, due_at, assignee, data)
    select ${`backoffice/call/${crypto.randomUUID()}`}, 'call', c.workflow_id, c.invoice_id, c.customer_id, now(), ${author}, ${deps.sql.json({ recordedBy: author } as never)}
    from cases c where c.invoice_id = ${invoiceId}
    returning id`;
  if (!task) throw notFound('case of invoice', invoiceId);
  const result = await completeTask(deps.sql, deps.temporal, task.id, completion);
  return { taskId: task.id, outcome: completion.outcome, status: result.caseStatus };
}
