import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { addDays, localDateOf } from '../../domain/dates.js';
import { planSteps } from '../../domain/planner.js';
import type { Scenario } from '../../domain/scenario.js';
import { renderReminderEmail } from '../../emails/reminder.js';
import { fieldsOf, flashOf, MANAGERS, redirectWith, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { calendarDate, instant } from '../../web/backoffice/format.js';
import { h, messagesOf, type BackofficeLanguage } from '../../web/backoffice/layout.js';
import { fieldErrorsOf, scenarioForm, scenarioFromForm, valuesOf, type FieldErrors } from '../../web/backoffice/scenario-form.js';
import { notFound } from '../errors.js';
import { findScenario, saveScenario } from '../services/scenarios.js';

// Scenarios: the list, the editor that saves a new version through saveScenario, a
// preview of each e-mail step in French and English with a sample invoice, and a dry run
// that shows when each step would fire for a chosen invoice. Managers and admins only.

const config = { backofficeRoles: MANAGERS };
const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) });
const TONES = { courtesy: 'courtesy', friendly: 'friendly', firm: 'firm', final: 'final', formal_notice: 'final' } as const;

async function previews(deps: BackofficeDeps, scenario: Scenario, language: BackofficeLanguage): Promise<string> {
  const today = localDateOf(new Date(), 'Europe/Paris');
  const parts: string[] = [];
  for (const step of scenario.steps.filter((candidate) => candidate.channel === 'email')) {
    for (const emailLanguage of ['fr', 'en'] as const) {
      const rendered = await renderReminderEmail({
        language: emailLanguage,
        tone: TONES[step.tone],
        recipientName: 'Camille Martin',
        customer: { name: emailLanguage === 'fr' ? 'Exemple SARL' : 'Example Ltd', isBusiness: true },
        creditor: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
        invoices: [
          { number: 'F-2025-0042', issueDate: addDays(today, -30 - Math.max(step.offsetDays ?? 0, 0)), dueDate: addDays(today, -(step.offsetDays ?? 0)), currency: 'EUR', originalMinor: 125_000, paidMinor: 0, dueMinor: 125_000 },
          { number: 'F-2025-0057', issueDate: addDays(today, -20), dueDate: addDays(today, 10), currency: 'EUR', originalMinor: 48_000, paidMinor: 8_000, dueMinor: 40_000 },
        ],
        asOfDate: today,
        portalUrl: `${deps.env.PORTAL_BASE_URL.replace(/\/+$/, '')}/preview`,
      });
      parts.push(`<article class="card" lang="${emailLanguage}"><h3>${h(step.key)} · ${emailLanguage.toUpperCase()}</h3><p><strong>${h(rendered.subject)}</strong></p><pre>${h(rendered.text)}</pre></article>`);
    }
  }
  return `<section aria-labelledby="preview-heading"><h2 id="preview-heading">${h(messagesOf(language).scenarios.preview)}</h2><div class="cards">${parts.join('')}</div></section>`;
}

async function dryRun(deps: BackofficeDeps, scenario: Scenario, invoiceNumber: string, language: BackofficeLanguage): Promise<string> {
  const messages = messagesOf(language);
  const labels = messages.scenarios;
  const form = `<form method="get" class="inline"><div><label for="invoice">${h(labels.dryRunInvoice)}</label><input id="invoice" name="invoice" value="${h(invoiceNumber)}" maxlength="60"></div>`
    + `<button type="submit">${h(labels.dryRunSubmit)}</button></form>`;
  let result = '';
  if (invoiceNumber) {
    const [invoice] = await deps.sql<{ number: string; due_date: string; time_zone: string; segment: string | null; is_business: boolean; due_minor: number }[]>`
      select b.number, to_char(b.due_date, 'YYYY-MM-DD') as due_date, cu.time_zone, cu.segment, cu.is_business, b.due_minor
      from document_balances b join customers cu on cu.id = b.customer_id where b.number = ${invoiceNumber} and b.kind = 'invoice' order by b.created_at desc limit 1`;
    if (!invoice) result = `<p class="alert" role="alert">${h(labels.dryRunNone)}</p>`;
    else {
      const now = new Date().toISOString();
      const plan = planSteps({ scenario, dueDate: invoice.due_date, timeZone: invoice.time_zone, caseStartedAt: now, now, customer: { segment: invoice.segment ?? undefined, isBusiness: invoice.is_business }, balanceDueMinor: invoice.due_minor });
      const rows = plan.map((step) => `<tr><td>${h(step.stepKey)}</td><td>${h(messages.channels[step.channel] ?? step.channel)}</td><td>${calendarDate(step.localDate, language)}</td>`
        + `<td>${instant(step.scheduledAt, invoice.time_zone, language)}</td><td>${h(step.status)}${step.reason ? ` (${h(step.reason)})` : ''}</td></tr>`).join('');
      result = `<table><caption>${h(labels.dryRunFor(invoice.number, calendarDate(invoice.due_date, language)))}</caption><thead><tr><th scope="col">${h(messages.casePage.step)}</th>`
        + `<th scope="col">${h(messages.casePage.channel)}</th><th scope="col">${h(messages.casePage.date)}</th><th scope="col">${h(messages.casePage.when)}</th><th scope="col">${h(messages.casePage.stepStatus)}</th></tr></thead><tbody>${rows}</tbody></table>`;
    }
  }
  return `<section aria-labelledby="dry-run-heading"><h2 id="dry-run-heading">${h(labels.dryRunHeading)}</h2>${form}${result}</section>`;
}

async function editorPage(request: FastifyRequest, reply: FastifyReply, deps: BackofficeDeps, scenario: Scenario, submitted?: { values: Record<string, string>; errors: FieldErrors }) {
  const session = sessionOf(request);
  const language = session.user.language;
  const labels = messagesOf(language).scenarios;
  const invoiceNumber = z.string().trim().max(60).optional().parse((request.query as Record<string, unknown>).invoice) ?? '';
  const form = scenarioForm(scenario, submitted?.values ?? valuesOf(scenario), scenario.steps.length + 1, submitted?.errors ?? new Map(), session, language);
  const body = `<p>${h(labels.version)} ${scenario.version}</p>${form}${await dryRun(deps, scenario, invoiceNumber, language)}${await previews(deps, scenario, language)}`;
  return sendPage(request, reply, deps, {
    status: submitted ? 400 : 200,
    title: labels.editTitle(scenario.id),
    body,
    flash: submitted ? { kind: 'alert', text: labels.invalid } : flashOf(request),
  });
}

export function registerBackofficeScenarioRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/scenarios', { config }, async (request, reply) => {
    const session = sessionOf(request);
    const labels = messagesOf(session.user.language).scenarios;
    const rows = await deps.sql<{ id: string; version: number; definition: Scenario; is_default: boolean }[]>`
      select distinct on (id) id, version, definition, is_default from scenarios order by id, version desc`;
    const body = `<table><thead><tr><th scope="col">Id</th><th scope="col">${h(labels.nameFr)}</th><th scope="col">${h(labels.version)}</th><th scope="col">${h(labels.steps)}</th></tr></thead><tbody>`
      + rows.map((row) => `<tr><td><a href="/backoffice/scenarios/${h(row.id)}">${h(row.id)}</a>${row.is_default ? ' ★' : ''}</td><td>${h(row.definition.name[session.user.language])}</td>`
        + `<td class="num">${row.version}</td><td>${row.definition.steps.map((step) => h(`${step.key} (${step.offsetDays ?? step.offsetMinutes})`)).join(', ')}</td></tr>`).join('')
      + '</tbody></table>';
    return sendPage(request, reply, deps, { title: labels.title, body });
  });

  office.get('/scenarios/:id', { config }, async (request, reply) => {
    const { id } = paramsSchema.parse(request.params);
    const scenario = await findScenario(deps.sql, id);
    if (!scenario) throw notFound('scenario', id);
    return editorPage(request, reply, deps, scenario);
  });

  office.post('/scenarios/:id', { config }, async (request, reply) => {
    const { id } = paramsSchema.parse(request.params);
    const session = sessionOf(request);
    const base = await findScenario(deps.sql, id);
    if (!base) throw notFound('scenario', id);
    const fields = fieldsOf(request);
    const { input, rows } = scenarioFromForm(base, fields);
    try {
      const saved = await saveScenario(deps.sql, input);
      request.log.info({ scenarioId: saved.id, version: saved.version, userId: session.user.id }, 'scenario version saved from the back-office');
      return redirectWith(reply, `/backoffice/scenarios/${saved.id}`, messagesOf(session.user.language).scenarios.saved(saved.version));
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      return editorPage(request, reply, deps, base, { values: fields, errors: fieldErrorsOf(error.issues, rows) });
    }
  });
}
