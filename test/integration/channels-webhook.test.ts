import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { signWebhook } from '../../api/services/webhook-signature.js';
import { loadEnv } from '../../config/env.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { createEngine, silentLogger, waitFor, type Engine } from '../support/engine.js';

// Resend's webhook: Svix signatures checked on the raw body, each delivery processed once,
// and a hard bounce or complaint suppressing the address and waking the running cases.

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** An e-mail as soon as the case starts, then another ten hours later, so the case still runs after the first. */
const EMAIL_FIRST: ScenarioInput = {
  id: 'email-first',
  version: 1,
  name: { fr: 'E-mail d’abord', en: 'E-mail first' },
  mode: 'demo',
  steps: [
    { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
    { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
  ],
};

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await createEngine();
  await engine.scenario(EMAIL_FIRST);
  const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RESEND_WEBHOOK_SECRET: SECRET });
  app = await buildApp({ env, sql: engine.db.sql, temporal: engine.temporal, logger: silentLogger });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
});

function deliver(body: string, options: { id?: string; timestamp?: number; secret?: string } = {}) {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: '/v1/webhooks/resend',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(timestamp),
      'svix-signature': signWebhook(options.secret ?? SECRET, id, timestamp, body),
    },
    payload: body,
  });
}

function event(type: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, created_at: new Date().toISOString(), data: { created_at: new Date().toISOString(), from: 'relances@relance.invalid', subject: 'Rappel', ...data } });
}

describe('webhook signature', () => {
  test('accepts a valid signature', async () => {
    const response = await deliver(event('email.delivered', { email_id: randomUUID(), to: ['someone@customer.example'] }));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ duplicate: false, type: 'email.delivered', suppressedContacts: 0 });
  });

  test('accepts a Standard Webhooks signature', async () => {
    // Svix signs by the Standard Webhooks scheme, so its reference library signs like Resend.
    const id = `msg_${randomUUID()}`;
    const sentAt = new Date();
    const body = event('email.delivered', { email_id: randomUUID() });
    const signature = new Webhook(SECRET).sign(id, sentAt, body);

    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/resend',
      headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(sentAt.getTime() / 1000)), 'svix-signature': signature },
      payload: body,
    });

    expect(response.statusCode).toBe(200);
  });

  test('rejects another secret', async () => {
    const response = await deliver(event('email.delivered', { email_id: randomUUID() }), { secret: `whsec_${randomBytes(24).toString('base64')}` });

    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toContain('no v1 signature matches the body');
  });

  test('rejects an old timestamp', async () => {
    const response = await deliver(event('email.delivered', { email_id: randomUUID() }), { timestamp: Math.floor(Date.now() / 1000) - 600 });

    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toContain('more than 300 seconds');
  });

  test('rejects a changed body', async () => {
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = event('email.delivered', { email_id: randomUUID() });

    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/resend',
      headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signWebhook(SECRET, id, timestamp, signed) },
      payload: signed.replace('email.delivered', 'email.bounced'),
    });

    expect(response.statusCode).toBe(401);
  });

  test('rejects missing headers', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/webhooks/resend', headers: { 'content-type': 'application/json' }, payload: event('email.delivered', {}) });

    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toContain('missing svix-id');
  });
});

describe('bounce', () => {
  test('suppresses the address and wakes the case', async () => {
    await engine.customer({
      externalRef: 'PI-BOUNCE',
      name: 'Plâtrerie Industrielle SAS',
      scenarioId: 'email-first',
      contacts: [
        { role: 'main', name: 'Paul Icard', phone: '+33 1 23 45 67 89' },
        { role: 'invoicing', email: 'billing@pi-bounce.example' },
      ],
    });
    const dueDate = addDays(localDateOf(new Date(), 'Europe/Paris'), -20);
    const invoice = await engine.invoice({ customerRef: 'PI-BOUNCE', number: 'INV-15201', currency: 'EUR', totalMinor: 64_000, issueDate: addDays(dueDate, -30), dueDate });

    await engine.run(async () => {
      await engine.startCase(invoice.id);
      const message = await waitFor(async () => {
        const [row] = await engine.db.sql<{ id: string; provider_message_id: string }[]>`
          select m.id, m.provider_message_id from messages m join message_invoices mi on mi.message_id = m.id
          where mi.invoice_id = ${invoice.id} and m.status <> 'queued'`;
        return row;
      }, 'the R1 e-mail');
      // The outbox replaces Resend here, and the webhook finds the message by the provider id it stored.
      await engine.db.sql`update messages set provider = 'resend' where id = ${message.id}`;
      const body = event('email.bounced', {
        email_id: message.provider_message_id,
        to: ['Billing@PI-Bounce.example'],
        bounce: { type: 'Permanent', subType: 'General', message: 'The recipient mailbox does not exist.' },
      });
      const id = `msg_${randomUUID()}`;

      const first = await deliver(body, { id });
      const again = await deliver(body, { id });

      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ duplicate: false, suppressedContacts: 1, signalledCases: 1 });
      expect(again.json()).toMatchObject({ duplicate: true, suppressedContacts: 0, signalledCases: 0 });
      await waitFor(async () => ((await engine.state(invoice.id)).lastActions.some((action) => action.type === 'contact_changed') ? true : undefined), 'the contactChanged signal');
    });

    const [contact] = await engine.db.sql<{ email_suppressed_at: Date | null; email_suppression_reason: string | null }[]>`
      select email_suppressed_at, email_suppression_reason from contacts where email = 'billing@pi-bounce.example'`;
    expect(contact?.email_suppressed_at).toBeInstanceOf(Date);
    expect(contact?.email_suppression_reason).toBe('hard bounce (Permanent/General)');
    const [message] = await engine.db.sql<{ status: string }[]>`
      select m.status from messages m join message_invoices mi on mi.message_id = m.id where mi.invoice_id = ${invoice.id}`;
    expect(message?.status).toBe('bounced');
    const events = await engine.db.sql<{ type: string; source: string }[]>`select type, source from case_events where invoice_id = ${invoice.id} and source = 'provider'`;
    expect(events).toEqual([{ type: 'email_bounced', source: 'provider' }]);
  });

  test('complaint suppresses without a message', async () => {
    await engine.customer({ externalRef: 'PI-SPAM', name: 'Spam Report SARL', contacts: [{ role: 'invoicing', email: 'ap@pi-spam.example' }] });

    const response = await deliver(event('email.complained', { email_id: randomUUID(), to: ['ap@pi-spam.example'] }));

    expect(response.json()).toMatchObject({ duplicate: false, suppressedContacts: 1 });
    const [contact] = await engine.db.sql<{ email_suppression_reason: string | null }[]>`select email_suppression_reason from contacts where email = 'ap@pi-spam.example'`;
    expect(contact?.email_suppression_reason).toBe('spam complaint');
  });
});
