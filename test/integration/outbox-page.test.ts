import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppDeps } from '../../api/app.js';
import { registerOutboxRoutes } from '../../web/outbox.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
let app: FastifyInstance;
let messageId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = Fastify();
  registerOutboxRoutes(app, { sql: db.sql } as AppDeps);

  const [customer] = await db.sql<{ id: string }[]>`insert into customers (external_ref, name) values ('OB', 'Outbox SARL') returning id`;
  const [message] = await db.sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, status, provider, language, subject, html, sent_at)
    values ('outbox/r1', 'email', ${customer!.id}, 'outbox', 'outbox', 'fr', 'Rappel : facture F-1', '<p>Bonjour</p>', '2026-02-09T08:00:00Z')
    returning id`;
  await db.sql`
    insert into messages (idempotency_key, channel, customer_id, status, provider, language, subject, sent_at)
    values ('outbox/r2', 'email', ${customer!.id}, 'queued', 'resend', 'fr', 'Relance : facture F-2', '2026-02-10T08:00:00Z')`;
  messageId = message!.id;
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('local outbox pages', () => {
  it('lists messages with readable statuses', async () => {
    const response = await app.inject({ method: 'GET', url: '/outbox' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<a href="/outbox/${messageId}">Rappel : facture F-1</a>`);
    expect(response.body).toContain('Kept in the outbox / Gardé dans la boîte d’envoi');
    expect(response.body).toContain('Queued for its batch / En attente d’envoi groupé');
    expect(response.body).toContain('2026-02-09 08:00 UTC');
  });

  it('shows a stored message', async () => {
    const response = await app.inject({ method: 'GET', url: `/outbox/${messageId}` });

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<p>Bonjour</p>');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('answers 404 for unknown messages', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/outbox/00000000-0000-0000-0000-000000000000' });
    const malformed = await app.inject({ method: 'GET', url: '/outbox/not-an-id' });

    expect(unknown.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(404);
  });
});
