import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findEmailRecipient } from '../../activities/recipients.js';
import { portalSecretOf } from '../../config/env.js';
import { renderPortalLinkEmail } from '../../emails/portal-link.js';
import { flashOf, redirectWith, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { calendarDate, money } from '../../web/backoffice/format.js';
import { csrfField, h, messagesOf } from '../../web/backoffice/layout.js';
import { findLinkCustomer, issuePortalLink } from '../../web/portal/access.js';
import { createPortalMailer, sendPortalEmail } from '../../web/portal/mail.js';
import { notFound } from '../errors.js';

// Customers: a searchable list, and a page with contacts, language, time zone, scenario,
// open balance and open invoices, and a button that sends the portal link again to the
// contact that reminders go to, through the portal's own link and mail services.

const idSchema = z.object({ id: z.uuid() });
const listQuerySchema = z.object({ q: z.string().trim().max(100).optional().default('') });

export function registerBackofficeCustomerRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  const mailer = createPortalMailer(deps.env);

  office.get('/customers', async (request, reply) => {
    const session = sessionOf(request);
    const language = session.user.language;
    const labels = messagesOf(language).customers;
    const { q } = listQuerySchema.parse(request.query);
    const prefix = `${q.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    const rows = await deps.sql<{ id: string; name: string; language: string; time_zone: string; balances: { currency: string; due: number }[] }[]>`
      select cu.id, cu.name, cu.language, cu.time_zone,
        coalesce((select json_agg(json_build_object('currency', b.currency, 'due', b.due)) from (
          select currency, sum(due_minor)::bigint as due from document_balances
          where customer_id = cu.id and kind = 'invoice' and status = 'open' group by currency) b), '[]') as balances
      from customers cu where lower(cu.name) like ${prefix} order by lower(cu.name), cu.id limit 100`;
    const body = `<form method="get" action="/backoffice/customers" class="inline" role="search"><div><label for="q">${h(labels.search)}</label>`
      + `<input id="q" name="q" type="search" value="${h(q)}"></div><button type="submit">${h(messagesOf(language).cases.submit)}</button></form>`
      + (rows.length === 0
        ? `<p>${h(labels.none)}</p>`
        : `<table><thead><tr><th scope="col">${h(labels.name)}</th><th scope="col">${h(labels.language)}</th><th scope="col">${h(labels.timeZone)}</th><th scope="col" class="num">${h(labels.openBalance)}</th></tr></thead><tbody>`
          + rows.map((row) => `<tr><td><a href="/backoffice/customers/${row.id}">${h(row.name)}</a></td><td>${h(row.language)}</td><td>${h(row.time_zone)}</td>`
            + `<td class="num">${row.balances.map((balance) => money(Number(balance.due), balance.currency, language)).join('<br>')}</td></tr>`).join('')
          + '</tbody></table>');
    return sendPage(request, reply, deps, { title: labels.title, body });
  });

  office.get('/customers/:id', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const language = session.user.language;
    const messages = messagesOf(language);
    const labels = messages.customers;
    const [customer] = await deps.sql<{ name: string; language: string; time_zone: string; scenario_id: string | null; segment: string | null }[]>`
      select name, language, time_zone, scenario_id, segment from customers where id = ${id}`;
    if (!customer) throw notFound('customer', id);
    const contacts = await deps.sql<{ role: string; name: string | null; email: string | null; phone: string | null; language: string | null; suppressed: boolean }[]>`
      select role, name, email, phone, language, email_suppressed_at is not null as suppressed from contacts where customer_id = ${id} order by role, name`;
    const invoices = await deps.sql<{ id: string; number: string; due_date: string; currency: string; due_minor: number }[]>`
      select id, number, to_char(due_date, 'YYYY-MM-DD') as due_date, currency, due_minor from document_balances
      where customer_id = ${id} and kind = 'invoice' and status = 'open' order by due_date, number`;
    const totals = new Map<string, number>();
    for (const invoice of invoices) totals.set(invoice.currency, (totals.get(invoice.currency) ?? 0) + invoice.due_minor);

    const body = `<dl><dt>${h(labels.language)}</dt><dd>${h(messages.languages[customer.language] ?? customer.language)}</dd>`
      + `<dt>${h(labels.timeZone)}</dt><dd>${h(customer.time_zone)}</dd>`
      + `<dt>${h(labels.scenario)}</dt><dd>${h(customer.scenario_id ?? labels.defaultScenario)}</dd>`
      + `<dt>${h(labels.openBalance)}</dt><dd>${[...totals].map(([currency, due]) => money(due, currency, language)).join(' · ') || '–'}</dd></dl>`
      + `<form method="post" action="/backoffice/customers/${id}/portal-link">${csrfField(session)}<button type="submit">${h(labels.resendLink)}</button></form>`
      + `<h2>${h(labels.contacts)}</h2><table><thead><tr><th scope="col">${h(labels.role)}</th><th scope="col">${h(labels.name)}</th><th scope="col">${h(labels.email)}</th><th scope="col">${h(labels.phone)}</th><th scope="col">${h(labels.language)}</th></tr></thead><tbody>`
      + contacts.map((contact) => `<tr><td>${h(contact.role)}</td><td>${h(contact.name ?? '')}</td><td>${h(contact.email ?? '')}${contact.suppressed ? ' ⚠' : ''}</td><td>${h(contact.phone ?? '')}</td><td>${h(contact.language ?? '')}</td></tr>`).join('')
      + `</tbody></table><h2>${h(labels.invoices)}</h2><table><thead><tr><th scope="col">${h(messages.agenda.invoice)}</th><th scope="col">${h(messages.agenda.due)}</th><th scope="col" class="num">${h(messages.cases.amount)}</th></tr></thead><tbody>`
      + invoices.map((invoice) => `<tr><td><a href="/backoffice/cases/${invoice.id}">${h(invoice.number)}</a></td><td>${calendarDate(invoice.due_date, language)}</td><td class="num">${money(invoice.due_minor, invoice.currency, language)}</td></tr>`).join('')
      + '</tbody></table>';
    return sendPage(request, reply, deps, { title: customer.name, body, flash: flashOf(request) });
  });

  office.post('/customers/:id/portal-link', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const labels = messagesOf(session.user.language).customers;
    const customer = await findLinkCustomer(deps.sql, id);
    if (!customer) throw notFound('customer', id);
    const recipient = await findEmailRecipient(deps.sql, id, deps.env.COMPANY_LANGUAGE);
    if (!recipient) return redirectWith(reply, `/backoffice/customers/${id}`, labels.linkNoContact);

    const link = issuePortalLink(customer, { baseUrl: deps.env.PORTAL_BASE_URL, secrets: portalSecretOf(deps.env), ttlDays: deps.env.PORTAL_LINK_TTL_DAYS, now: new Date() });
    const rendered = await renderPortalLinkEmail({
      language: recipient.language,
      recipientName: recipient.name ?? undefined,
      customer: { name: customer.name, isBusiness: customer.isBusiness },
      creditor: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
      portalUrl: link.url,
      expiresAt: { instant: link.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), timeZone: customer.timeZone },
    });
    const messageId = await sendPortalEmail(
      { sql: deps.sql, mailer, logger: deps.logger, senderName: deps.env.COMPANY_NAME, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
      { customerId: id, recipient, rendered, idempotencyKey: `backoffice/portal-link/${randomUUID()}`, kind: 'portal_link' },
    );
    request.log.info({ customerId: id, messageId, userId: session.user.id }, 'portal link sent again from the back-office');
    return redirectWith(reply, `/backoffice/customers/${id}`, labels.linkSent);
  });
}
