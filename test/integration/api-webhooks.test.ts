import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deliverDue, fanOutEvents } from '../../api/services/webhooks.js';
import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

interface Received {
  event: string;
  signature: string;
  body: string;
}

let environment: TestWorkflowEnvironment;
let api: TestApi;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** HTTP statuses the receiver returns, in order, then 200 once they run out. */
const plannedStatuses: number[] = [];
let invoiceId: string;

function verify(secret: string, header: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

async function recordCaseEvent(type: string, data: Record<string, unknown> = {}): Promise<void> {
  await api.database.sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data)
    values (${`dunning-case-${invoiceId}`}, ${invoiceId}, ${type}, 'workflow', now(), ${api.database.sql.json(data as never)})`;
}

async function subscribe(events: string[]): Promise<{ id: string; secret: string }> {
  const response = await api.app.inject({ method: 'POST', url: '/v1/webhooks', headers: api.as.admin, payload: { url: receiverUrl, events } });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as { subscription: { id: string }; secret: string };
  return { id: body.subscription.id, secret: body.secret };
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ event: String(request.headers['relance-event']), signature: String(request.headers['relance-signature']), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(plannedStatuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/relance`;

  environment = await createDevEnvironment();
  api = await createTestApi(environment);
  await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.write, payload: { externalRef: 'HOOK-1', name: 'Hook SA' } });
  const invoice = await api.app.inject({ method: 'POST', url: '/v1/invoices', headers: api.as.write, payload: { customerRef: 'HOOK-1', number: 'F-H1', currency: 'EUR', totalMinor: 50_000, issueDate: '2026-01-05', dueDate: '2026-02-04', startCase: false } });
  invoiceId = (invoice.json() as { invoice: { id: string } }).invoice.id;
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('outgoing webhooks', () => {
  it('delivers signed events it subscribed to', async () => {
    received.length = 0;
    const { secret } = await subscribe(['promise.made', 'case.ended']);
    await recordCaseEvent('promise_made', { detail: '2026-03-01 50000 (portal)' });
    await recordCaseEvent('step_sent', { detail: 'reminder-1' });
    await recordCaseEvent('case_ended', { terminalState: 'paid' });

    const created = await fanOutEvents(api.database.sql);
    const result = await deliverDue(api.database.sql);

    expect(created).toBe(2);
    expect(result).toEqual({ delivered: 2, failed: 0 });
    expect(received.map((delivery) => delivery.event).sort()).toEqual(['case.ended', 'promise.made']);
    for (const delivery of received) {
      expect(verify(secret, delivery.signature, delivery.body)).toBe(true);
      expect(verify('another secret of some length', delivery.signature, delivery.body)).toBe(false);
    }
    const ended = JSON.parse(received.find((delivery) => delivery.event === 'case.ended')!.body);
    expect(ended).toMatchObject({ type: 'case.ended', data: { invoiceId, invoiceNumber: 'F-H1', customerRef: 'HOOK-1', terminalState: 'paid' } });
  });

  it('retries a failed delivery later', async () => {
    received.length = 0;
    const { id } = await subscribe(['payment.applied']);
    await recordCaseEvent('balance_changed', { detail: 'payment' });
    plannedStatuses.push(500);

    await fanOutEvents(api.database.sql);
    const first = await deliverDue(api.database.sql, { backoffBaseMs: 300 });
    const tooSoon = await deliverDue(api.database.sql, { backoffBaseMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await deliverDue(api.database.sql, { backoffBaseMs: 300 });

    expect(first).toEqual({ delivered: 0, failed: 0 });
    expect(tooSoon).toEqual({ delivered: 0, failed: 0 });
    expect(second).toEqual({ delivered: 1, failed: 0 });
    expect(received.map((delivery) => delivery.event)).toEqual(['payment.applied', 'payment.applied']);
    const log = await api.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: api.as.admin });
    expect(log.statusCode).toBe(200);
    expect(log.json().deliveries).toEqual([expect.objectContaining({ eventType: 'payment.applied', status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null })]);
  });

  it('gives up after the last attempt', async () => {
    received.length = 0;
    const { id } = await subscribe(['dispute.opened']);
    await recordCaseEvent('dispute_opened', { detail: 'goods damaged (portal)' });
    plannedStatuses.push(503, 503);

    await fanOutEvents(api.database.sql);
    const first = await deliverDue(api.database.sql, { backoffBaseMs: 1, maxAttempts: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const last = await deliverDue(api.database.sql, { backoffBaseMs: 1, maxAttempts: 2 });

    expect(first.failed).toBe(0);
    expect(last.failed).toBe(1);
    const log = await api.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: api.as.admin });
    expect(log.json().deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 2, lastStatusCode: 503, lastError: 'receiver answered HTTP 503' })]);
  });

  it('skips events older than the subscription', async () => {
    await recordCaseEvent('dispute_resolved', { detail: 'accepted' });
    await fanOutEvents(api.database.sql);
    const { id } = await subscribe(['dispute.resolved']);
    await recordCaseEvent('dispute_resolved', { detail: 'rejected' });

    await fanOutEvents(api.database.sql);

    const log = await api.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: api.as.admin });
    expect(log.json().deliveries).toHaveLength(1);
  });
});
