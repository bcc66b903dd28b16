import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { updateCase } from '../../api/services/cases.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { createEngine, waitFor, type Engine } from '../support/engine.js';
import { callFirstScenario, startCollectorApi } from './collector-api.js';

// Calls and visits from the collector's agenda: the task detail with the call script, and
// the completion that writes the carbon line, the case event and signals the running case.

const CALL_FIRST: ScenarioInput = callFirstScenario('call-first');

let engine: Engine;
let app: FastifyInstance;
let headers: { authorization: string };

beforeAll(async () => {
  engine = await createEngine();
  await engine.scenario(CALL_FIRST);
  ({ app, headers } = await startCollectorApi(engine));
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
});

const today = () => localDateOf(new Date(), 'Europe/Paris');

async function seedCallCase(ref: string, number: string) {
  await engine.customer({
    externalRef: ref,
    name: 'Plâtrerie Industrielle SAS',
    language: 'fr',
    scenarioId: 'call-first',
    contacts: [
      { role: 'main', name: 'Paul Icard', phone: '+33 1 23 45 67 89' },
      { role: 'invoicing', email: `billing@${ref.toLowerCase()}.example` },
    ],
  });
  const dueDate = addDays(today(), -20);
  return engine.invoice({ customerRef: ref, number, currency: 'EUR', totalMinor: 64_000, issueDate: addDays(dueDate, -30), dueDate });
}

async function callTaskOf(invoiceId: string): Promise<string> {
  return waitFor(async () => {
    const [task] = await engine.db.sql<{ id: string }[]>`select id from tasks where invoice_id = ${invoiceId} and kind = 'call'`;
    return task?.id;
  }, 'the call task');
}

describe('call completion', () => {
  test('promise signals the running case', async () => {
    const invoice = await seedCallCase('PI-PROMISE', 'INV-15101');

    await engine.run(async () => {
      await engine.startCase(invoice.id);
      const taskId = await callTaskOf(invoice.id);

      const agenda = await app.inject({ method: 'GET', url: '/v1/tasks?kind=call', headers });
      const detail = await app.inject({ method: 'GET', url: `/v1/tasks/${taskId}`, headers });
      const completion = { outcome: 'reached_promised', promisedDate: addDays(today(), 7), amountMinor: 64_000, durationMinutes: 6 };
      const first = await app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: completion });
      const second = await app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: { ...completion, durationMinutes: 9 } });
      const state = await engine.state(invoice.id);

      expect(agenda.statusCode).toBe(200);
      expect((agenda.json() as { tasks: { id: string }[] }).tasks.map((task) => task.id)).toContain(taskId);
      expect(detail.json().contact).toMatchObject({ name: 'Paul Icard', phone: '+33 1 23 45 67 89', role: 'main' });
      expect(detail.json().amountsDue).toEqual([expect.objectContaining({ number: 'INV-15101', currency: 'EUR', dueMinor: 64_000 })]);
      expect(detail.json().script.language).toBe('fr');
      expect(detail.json().script.text).toContain('Pourrais-je parler à Paul Icard ?');
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ caseStatus: 'promised', carbon: { channel: 'phone', gramsCo2e: 21.6 }, task: { status: 'done' } });
      expect(second.json()).toEqual(first.json());
      expect(state.status).toBe('promised');
      expect(state.promise?.amountMinor).toBe(64_000);
      await waitFor(async () => ((await engine.state(invoice.id)).lastActions.some((action) => action.type === 'task_completed') ? true : undefined), 'the taskCompleted signal');
    });

    const lines = await engine.db.sql<{ channel: string; quantity: string }[]>`select channel, quantity from carbon_ledger where customer_id = (select customer_id from invoices where id = ${invoice.id})`;
    expect(lines).toEqual([{ channel: 'phone', quantity: '6' }]);
    const events = await engine.db.sql<{ type: string; source: string }[]>`select type, source from case_events where invoice_id = ${invoice.id} and source = 'operator'`;
    expect(events).toEqual([{ type: 'call_completed', source: 'operator' }]);
  });

  test('dispute opens through the case', async () => {
    const invoice = await seedCallCase('PI-DISPUTE', 'INV-15102');

    await engine.run(async () => {
      await engine.startCase(invoice.id);
      const taskId = await callTaskOf(invoice.id);

      const response = await app.inject({
        method: 'POST',
        url: `/v1/tasks/${taskId}/complete`,
        headers,
        payload: { outcome: 'reached_disputed', reason: 'quantity', durationMinutes: 4 },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().caseStatus).toBe('disputed');
      expect((await engine.state(invoice.id)).dispute?.reason).toBe('quantity');
    });
  });

  test('call back opens a follow-up', async () => {
    const invoice = await seedCallCase('PI-CALLBACK', 'INV-15103');

    await engine.run(async () => {
      await engine.startCase(invoice.id);
      const taskId = await callTaskOf(invoice.id);
      const callBackAt = new Date(Date.now() + 2 * 86_400_000).toISOString();

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: { outcome: 'call_back', callBackAt, durationMinutes: 1 } });

      expect(response.statusCode).toBe(200);
      const [followUp] = await engine.db.sql<{ kind: string; status: string; due_at: Date }[]>`select kind, status, due_at from tasks where id = ${response.json().followUpTaskId}`;
      expect(followUp).toEqual({ kind: 'call', status: 'open', due_at: new Date(callBackAt) });
      expect((await engine.state(invoice.id)).status).toBe('active');
    });
  });

  test('call needs its duration', async () => {
    const invoice = await seedCallCase('PI-NODURATION', 'INV-15104');

    await engine.run(async () => {
      await engine.startCase(invoice.id);
      const taskId = await callTaskOf(invoice.id);

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: { outcome: 'no_answer' } });

      expect(response.statusCode).toBe(400);
      expect(response.json().detail).toContain('durationMinutes');
      const [task] = await engine.db.sql<{ status: string }[]>`select status from tasks where id = ${taskId}`;
      expect(task?.status).toBe('open');
    });
  });

  test('ended case answers 409', async () => {
    const invoice = await seedCallCase('PI-ENDED', 'INV-15105');

    await engine.run(async () => {
      const handle = await engine.startCase(invoice.id);
      const taskId = await callTaskOf(invoice.id);
      await updateCase(engine.db.sql, engine.temporal, invoice.id, 'cancel', { author: 'marie', reason: 'customer in receivership' });
      await handle.result();

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: { outcome: 'no_answer', durationMinutes: 0 } });

      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'case_ended', terminalState: 'cancelled' });
    });
  });
});

describe('agenda', () => {
  test('pages through due tasks', async () => {
    const customer = await engine.customer({ externalRef: 'AGENDA', name: 'Agenda SARL', timeZone: 'Europe/Paris' });
    const now = Date.now();
    const open = async (key: string, kind: 'call' | 'visit', dueAt: number): Promise<string> => {
      const [row] = await engine.db.sql<{ id: string }[]>`
        insert into tasks (idempotency_key, kind, customer_id, due_at, assignee)
        values (${`agenda/${key}`}, ${kind}, ${customer.id}, ${new Date(dueAt).toISOString()}, 'marie') returning id`;
      return row?.id ?? '';
    };
    const overdue = await open('overdue', 'call', now - 3 * 86_400_000);
    const yesterday = await open('yesterday', 'visit', now - 86_400_000);
    const dueNow = await open('now', 'call', now - 60_000);
    await open('next-week', 'call', now + 7 * 86_400_000);

    const first = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${customer.id}&limit=2`, headers });
    const next = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${customer.id}&limit=2&cursor=${first.json().nextCursor}`, headers });
    const calls = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${customer.id}&kind=call&assignee=marie`, headers });
    const invalid = await app.inject({ method: 'GET', url: '/v1/tasks?cursor=not-a-cursor', headers });

    expect(first.json().tasks.map((task: { id: string }) => task.id)).toEqual([overdue, yesterday]);
    expect(next.json().tasks.map((task: { id: string }) => task.id)).toEqual([dueNow]);
    expect(next.json().nextCursor).toBeNull();
    expect(calls.json().tasks.map((task: { id: string }) => task.id)).toEqual([overdue, dueNow]);
    expect(invalid.statusCode).toBe(400);
  });
});
