import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../api/app.js';
import { escapeHtml, page } from './layout.js';

/** Message statuses in both languages, since the outbox serves developers and users of either. */
const STATUS_LABELS: Record<string, string> = {
  outbox: 'Kept in the outbox / Gardé dans la boîte d’envoi',
  queued: 'Queued for its batch / En attente d’envoi groupé',
  sent: 'Sent / Envoyé',
  not_deliverable: 'Not deliverable / Non distribuable',
  bounced: 'Bounced / Rejeté par le destinataire',
  complained: 'Reported as spam / Signalé comme indésirable',
};

/** Registers the local outbox pages, which show the e-mails kept instead of sent when no mail provider is configured. */
export function registerOutboxRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/outbox', async (_request, reply) => {
    const messages = await deps.sql<{ id: string; subject: string | null; status: string; language: string; sent_at: Date; customer: string }[]>`
      select m.id, m.subject, m.status, m.language, m.sent_at, c.name as customer
      from messages m join customers c on c.id = m.customer_id
      where m.channel = 'email' order by m.sent_at desc limit 200`;
    const rows = messages
      .map((message) => `<tr><td>${escapeHtml(message.sent_at.toISOString().slice(0, 16).replace('T', ' '))} UTC</td><td>${escapeHtml(message.customer)}</td>`
        + `<td><a href="/outbox/${message.id}">${escapeHtml(message.subject ?? '(no subject)')}</a></td><td>${escapeHtml(STATUS_LABELS[message.status] ?? message.status)}</td></tr>`)
      .join('');
    const body = `<h1>Outbox / Boîte d'envoi</h1><p>${messages.length} message(s)</p>`
      + `<table><thead><tr><th>Sent / Envoyé</th><th>Customer / Client</th><th>Subject / Objet</th><th>Status / Statut</th></tr></thead><tbody>${rows}</tbody></table>`;
    return reply.type('text/html; charset=utf-8').send(page('Outbox', body));
  });

  app.get<{ Params: { id: string } }>('/outbox/:id', async (request, reply) => {
    if (!/^[0-9a-f-]{36}$/.test(request.params.id)) return reply.code(404).send('Not found');
    const [message] = await deps.sql<{ html: string | null }[]>`select html from messages where id = ${request.params.id}`;
    if (!message?.html) return reply.code(404).type('text/plain').send('Message not found / Message introuvable');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:").send(message.html);
  });
}
