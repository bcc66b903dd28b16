import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fieldsOf, flashOf, redirectWith, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { instant } from '../../web/backoffice/format.js';
import { csrfField, h, messagesOf } from '../../web/backoffice/layout.js';
import { listLetters, readLetterPdf, recordDispatch } from '../services/print-queue.js';

// The print queue in the back-office: queued letters with their PDF, and the form that
// records a letter as posted (which closes its print task and writes the case history).

const idSchema = z.object({ id: z.uuid() });

export function registerPrintQueueRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/print-queue', async (request, reply) => {
    const session = sessionOf(request);
    const language = session.user.language;
    const messages = messagesOf(language);
    const letters = await listLetters(deps.sql, { status: 'queued', limit: 200 });
    const rows = letters
      .map((letter) => `<tr><td>${instant(letter.queuedAt, 'Europe/Paris', language)}</td><td>${h(messages.printQueue.kinds[letter.kind] ?? letter.kind)}</td>`
        + `<td>${h(letter.customerName)}</td><td>${letter.invoiceId ? `<a href="/backoffice/cases/${letter.invoiceId}">${h(letter.invoiceNumber ?? '')}</a>` : ''}</td>`
        + `<td class="num">${letter.pages}</td><td><a href="/backoffice/print-queue/${letter.id}/pdf">PDF<span class="muted"> ${h(letter.invoiceNumber ?? '')}</span></a></td>`
        + `<td><form method="post" action="/backoffice/print-queue/${letter.id}/dispatch" class="inline">${csrfField(session)}`
        + `<div><label for="tracking-${letter.id}">${h(messages.task.trackingRef)}</label><input id="tracking-${letter.id}" name="trackingRef" maxlength="100"></div>`
        + `<button type="submit">${h(messages.task.dispatch)}</button></form></td></tr>`)
      .join('');
    const body = letters.length === 0
      ? `<p>${h(messages.printQueue.none)}</p>`
      : `<table><caption>${h(messages.printQueue.queued)}</caption><thead><tr><th>${h(messages.printQueue.queuedAt)}</th><th>${h(messages.printQueue.kind)}</th>`
        + `<th>${h(messages.agenda.customer)}</th><th>${h(messages.agenda.invoice)}</th><th class="num">${h(messages.printQueue.pages)}</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
    return sendPage(request, reply, deps, { title: messages.printQueue.title, body, flash: flashOf(request) });
  });

  office.get('/print-queue/:id/pdf', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const letter = await readLetterPdf(deps.sql, id);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${letter.kind}-${letter.invoiceNumber ?? id}.pdf"`).send(letter.pdf);
  });

  office.post('/print-queue/:id/dispatch', async (request, reply) => {
    const { id } = idSchema.parse(request.params);
    const session = sessionOf(request);
    const fields = fieldsOf(request);
    const trackingRef = z.string().trim().max(100).parse(fields.trackingRef ?? '');
    await recordDispatch(deps.sql, id, { dispatchedAt: new Date().toISOString(), trackingRef: trackingRef || undefined, author: session.user.email });
    request.log.info({ letterId: id, userId: session.user.id }, 'letter recorded as posted');
    return redirectWith(reply, '/backoffice/print-queue', messagesOf(session.user.language).done);
  });
}
