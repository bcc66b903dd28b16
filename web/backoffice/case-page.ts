import type { Env } from '../../config/env.js';
import type { Sql } from '../../db/client.js';
import type { readCase } from '../../api/services/cases.js';
import type { Session } from '../../api/services/users.js';
import { planSteps, type PlannedStep } from '../../domain/planner.js';
import { scenarioSchema } from '../../domain/scenario.js';
import { caseActionForms } from './case-actions.js';
import { instant, money, number } from './format.js';
import { h, messagesOf, type BackofficeLanguage } from './layout.js';

// The page of one case: summary, plan (the live state and a dry run of the planner for
// the steps still to come), timeline of events, messages and payments, footprint and
// the actions the user's role allows.

type CaseView = Awaited<ReturnType<typeof readCase>>;

interface CaseContext {
  number: string;
  dueDate: string;
  customerId: string;
  customerName: string;
  timeZone: string;
  segment: string | null;
  isBusiness: boolean;
}

export async function readCaseContext(sql: Sql, invoiceId: string): Promise<CaseContext | null> {
  const [row] = await sql<{ number: string; due_date: string; customer_id: string; name: string; time_zone: string; segment: string | null; is_business: boolean }[]>`
    select i.number, to_char(i.due_date, 'YYYY-MM-DD') as due_date, cu.id as customer_id, cu.name, cu.time_zone, cu.segment, cu.is_business
    from invoices i join customers cu on cu.id = i.customer_id where i.id = ${invoiceId}`;
  if (!row) return null;
  return { number: row.number, dueDate: row.due_date, customerId: row.customer_id, customerName: row.name, timeZone: row.time_zone, segment: row.segment, isBusiness: row.is_business };
}

/** Plans the case's scenario version from now with the steps already done or skipped; null when the case has no live state. */
export async function dryRunOfCase(sql: Sql, view: CaseView, context: CaseContext): Promise<PlannedStep[] | null> {
  if (!view.state) return null;
  const [row] = await sql<{ definition: unknown }[]>`
    select definition from scenarios where id = ${view.case.scenario_id} and version = ${view.case.scenario_version}`;
  if (!row) return null;
  const scenario = scenarioSchema.parse(row.definition);
  const known = new Set(scenario.steps.map((step) => step.key));
  const keys = (outcomes: string[]) => view.state?.steps.filter((step) => outcomes.includes(step.outcome) && known.has(step.stepKey)).map((step) => step.stepKey) ?? [];
  return planSteps({
    scenario,
    dueDate: context.dueDate,
    timeZone: context.timeZone,
    caseStartedAt: view.case.started_at.toISOString(),
    now: new Date().toISOString(),
    doneStepKeys: keys(['sent', 'not_deliverable', 'task_opened', 'done_manually', 'below_tolerance']),
    skippedStepKeys: keys(['skipped']),
    customer: { segment: context.segment ?? undefined, isBusiness: context.isBusiness },
    balanceDueMinor: view.state.balance?.dueMinor ?? view.case.amount_due_minor ?? 0,
  });
}

interface TimelineEntry {
  at: Date;
  event: string;
  source: string;
  detail: string;
}

/** Merges the case events, the messages that carried the invoice and its payments, oldest first. */
export async function readTimeline(sql: Sql, view: CaseView, language: BackofficeLanguage): Promise<TimelineEntry[]> {
  const invoiceId = view.case.invoice_id;
  const messages = await sql<{ sent_at: Date; channel: string; status: string; subject: string | null; id: string }[]>`
    select m.sent_at, m.channel, m.status, m.subject, m.id from messages m join message_invoices mi on mi.message_id = m.id where mi.invoice_id = ${invoiceId}`;
  const payments = await sql<{ received_on: string; amount_minor: number; currency: string; reference: string }[]>`
    select to_char(p.received_on, 'YYYY-MM-DD') as received_on, a.amount_minor, p.currency, p.reference
    from allocations a join payments p on p.id = a.payment_id where a.invoice_id = ${invoiceId} and p.reversed_at is null`;
  const entries: TimelineEntry[] = [
    ...view.history.map((event) => ({ at: event.occurred_at, event: event.type, source: event.source, detail: summarize(event.data) })),
    ...messages.map((message) => ({ at: message.sent_at, event: `message_${message.status}`, source: message.channel, detail: message.subject ?? '' })),
    ...payments.map((payment) => ({ at: new Date(`${payment.received_on}T12:00:00Z`), event: 'payment', source: 'ledger', detail: `${money(payment.amount_minor, payment.currency, language)} · ${payment.reference}` })),
  ];
  return entries.sort((left, right) => left.at.getTime() - right.at.getTime());
}

function summarize(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  return Object.entries(data as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ')
    .slice(0, 300);
}

export function temporalUrlOf(env: Env, workflowId: string): string {
  return `${env.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}

export interface CasePageInput {
  view: CaseView;
  context: CaseContext;
  plan: PlannedStep[] | null;
  timeline: TimelineEntry[];
  footprint: { channel: string; quantity: number; unit: string; grams: number }[];
  temporalUrl: string;
  session: Session;
  language: BackofficeLanguage;
}

export function casePageBody(input: CasePageInput): string {
  const { view, context, language } = input;
  const messages = messagesOf(language);
  const labels = messages.casePage;
  const status = view.state?.status ?? view.case.status;
  const tz = context.timeZone;

  const summary = `<dl><dt>${h(messages.cases.customer)}</dt><dd><a href="/backoffice/customers/${context.customerId}">${h(context.customerName)}</a></dd>`
    + `<dt>${h(messages.cases.status)}</dt><dd>${h(messages.statuses[status] ?? status)}</dd>`
    + `<dt>${h(messages.cases.amount)}</dt><dd>${money(view.state?.balance?.dueMinor ?? view.case.amount_due_minor, view.case.currency, language)}</dd>`
    + `<dt>${h(messages.customers.scenario)}</dt><dd>${h(view.case.scenario_id)} v${view.case.scenario_version}</dd></dl>`
    + `<p><a href="${h(input.temporalUrl)}">${h(labels.temporal)}</a></p>`;

  const next = view.state?.nextStep
    ? `<p>${h(labels.nextStep)}: ${h(view.state.nextStep.stepKey)} · ${h(messages.channels[view.state.nextStep.channel] ?? view.state.nextStep.channel)} · ${instant(view.state.nextStep.scheduledAt, tz, language)}</p>`
    : `<p>${h(labels.noNextStep)}</p>`;
  const done = (view.state?.steps ?? [])
    .map((step) => `<tr><td>${h(step.stepKey)}</td><td>${h(messages.channels[step.channel] ?? step.channel)}</td><td>${instant(step.at, tz, language)}</td><td>${h(step.outcome)}</td></tr>`)
    .join('');
  const remaining = (input.plan ?? []).filter((step) => step.status === 'due' || step.status === 'planned');
  const planned = remaining
    .map((step) => `<tr><td>${h(step.stepKey)}</td><td>${h(messages.channels[step.channel] ?? step.channel)}</td><td>${instant(step.scheduledAt, tz, language)}</td><td>${h(step.status)}</td></tr>`)
    .join('');
  const head = `<thead><tr><th scope="col">${h(labels.step)}</th><th scope="col">${h(labels.channel)}</th><th scope="col">${h(labels.when)}</th><th scope="col">${h(labels.stepStatus)}</th></tr></thead>`;
  const plan = view.state
    ? `${next}${done ? `<table><caption>${h(labels.doneSteps)}</caption>${head}<tbody>${done}</tbody></table>` : `<p>${h(labels.noStepDone)}</p>`}<table><caption>${h(labels.dryRun)}</caption>${head}<tbody>${planned}</tbody></table>`
    : `<p class="muted">${h(labels.notRunning)}</p>`;

  const timeline = input.timeline
    .map((entry) => `<tr><td>${instant(entry.at, tz, language)}</td><td>${h(entry.event)}</td><td>${h(entry.source)}</td><td>${h(entry.detail)}</td></tr>`)
    .join('');
  const totalGrams = input.footprint.reduce((sum, line) => sum + line.grams, 0);
  const footprint = input.footprint
    .map((line) => `<tr><td>${h(messages.channels[line.channel] ?? line.channel)}</td><td class="num">${number(line.quantity, language, 1)} ${h(line.unit)}</td><td class="num">${number(line.grams, language, 1)}</td></tr>`)
    .join('');
  const actions = view.case.terminal_state ? '' : `<section aria-labelledby="actions-heading"><h2 id="actions-heading">${h(labels.actions)}</h2>${caseActionForms(view.case.invoice_id, status, input.session, language)}</section>`;

  return `<section aria-labelledby="summary-heading"><h2 id="summary-heading">${h(labels.summary)}</h2>${summary}</section>${actions}`
    + `<section aria-labelledby="plan-heading"><h2 id="plan-heading">${h(labels.planHeading)}</h2>${plan}</section>`
    + `<section aria-labelledby="timeline-heading"><h2 id="timeline-heading">${h(labels.timeline)}</h2><table><thead><tr><th scope="col">${h(labels.date)}</th><th scope="col">${h(labels.event)}</th><th scope="col">${h(labels.source)}</th><th scope="col">${h(labels.detail)}</th></tr></thead><tbody>${timeline}</tbody></table></section>`
    + `<section aria-labelledby="footprint-heading"><h2 id="footprint-heading">${h(labels.footprint)}</h2><p>${h(labels.footprintTotal(number(totalGrams, language, 1)))}</p>`
    + `<table><thead><tr><th scope="col">${h(labels.channel)}</th><th scope="col" class="num">${h(labels.quantity)}</th><th scope="col" class="num">gCO2e</th></tr></thead><tbody>${footprint}</tbody></table></section>`;
}
