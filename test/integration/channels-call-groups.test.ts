import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { remindersPerChannel } from '../../api/services/dashboards.js';
import { createUser } from '../../api/services/users.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { createEngine, waitFor, type Engine } from '../support/engine.js';
import { callFirstScenario, startCollectorApi } from './collector-api.js';

// One call per customer: the call tasks of a customer's invoices form a group that the
// agenda lists once, and completing the group completes every task and signals every case.

const CALL_FIRST: ScenarioInput = callFirstScenario('call-first-grouped');

/** A visit as soon as the case starts, then an e-mail ten hours later. */
const VISIT_FIRST: ScenarioInput = {
  id: 'visit-first-grouped',
  version: 1,
  name: { fr: 'Visite d’abord', en: 'Visit first' },
  mode: 'demo',
  steps: [
    { key: 'visit', offsetMinutes: 0, channel: 'visit', templateKey: 'visit', tone: 'firm' },
    { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
  ],
};

/** Three invoices of one customer, oldest due date first, with their balances in EUR cents. */
const INVOICES = [
  { suffix: '1', totalMinor: 64_000, daysLate: 40 },
  { suffix: '2', totalMinor: 32_000, daysLate: 30 },
  { suffix: '3', totalMinor: 12_500, daysLate: 20 },
];
const GROUP_TOTAL = 108_500;

let engine: Engine;
let app: FastifyInstance;
let headers: { authorization: string };

beforeAll(async () => {
  engine = await createEngine();
  await engine.scenario(CALL_FIRST);
  await engine.scenario(VISIT_FIRST);
  ({ app, headers } = await startCollectorApi(engine));
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
});

const today = () => localDateOf(new Date(), 'Europe/Paris');

interface Seeded {
  customerId: string;
  invoices: { id: string; number: string; totalMinor: number }[];
}

async function seedCustomer(ref: string, scenarioId = CALL_FIRST.id): Promise<Seeded> {
  const customer = await engine.customer({
    externalRef: ref,
    name: 'Plâtrerie Industrielle SAS',
    language: 'fr',
    scenarioId,
    contacts: [
      { role: 'main', name: 'Paul Icard', phone: '+33 1 23 45 67 89' },
      { role: 'invoicing', email: `billing@${ref.toLowerCase()}.example` },
    ],
  });
  const invoices = [];
  for (const { suffix, totalMinor, daysLate } of INVOICES) {
    const dueDate = addDays(today(), -daysLate);
    const number = `${ref}-${suffix}`;
    const invoice = await engine.invoice({ customerRef: ref, number, currency: 'EUR', totalMinor, issueDate: addDays(dueDate, -30), dueDate });
    invoices.push({ id: invoice.id, number, totalMinor });
  }
  return { customerId: customer.id, invoices };
}

/** Starts the cases of the invoices at once, so their call tasks are inserted concurrently, and returns the call task of each invoice. */
async function startCalls(invoices: { id: string }[]): Promise<string[]> {
  await Promise.all(invoices.map((invoice) => engine.startCase(invoice.id)));
  return Promise.all(invoices.map((invoice) => callTaskOf(invoice.id)));
}

async function callTaskOf(invoiceId: string): Promise<string> {
  return waitFor(async () => {
    const [task] = await engine.db.sql<{ id: string }[]>`select id from tasks where invoice_id = ${invoiceId} and kind = 'call' order by created_at desc limit 1`;
    return task?.id;
  }, 'the call task');
}

async function tasksOf(taskIds: string[]) {
  return engine.db.sql<{ id: string; status: string; group_id: string | null }[]>`
    select id, status, group_id from tasks where id = any(${taskIds}::uuid[])`;
}

async function actionCount(invoiceId: string, type: string): Promise<number> {
  return (await engine.state(invoiceId)).lastActions.filter((action) => action.type === type).length;
}

/** Waits until every case has heard the taskCompleted signal. */
async function waitForSignals(invoices: { id: string }[]): Promise<void> {
  for (const invoice of invoices) {
    await waitFor(async () => ((await actionCount(invoice.id, 'task_completed')) > 0 ? true : undefined), `the taskCompleted signal of ${invoice.id}`);
  }
}

async function phoneLines(customerId: string) {
  return engine.db.sql<{ quantity: string }[]>`select quantity from carbon_ledger where customer_id = ${customerId} and channel = 'phone'`;
}

const utcToday = () => new Date().toISOString().slice(0, 10);

async function callsDoneToday(): Promise<number> {
  const channels = await remindersPerChannel(engine.db.sql, { asOf: utcToday(), currency: 'EUR', weeks: 1 });
  return channels.find((entry) => entry.channel === 'phone')?.count ?? 0;
}

const PASSWORD = 'correct horse battery staple';

/** Signs a collector in to the back-office and returns the cookie header and CSRF token of the session. */
async function backofficeSession(email: string): Promise<{ cookie: string; csrf: string }> {
  await createUser(engine.db.sql, { email, role: 'collector', language: 'en', password: PASSWORD });
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const cookieOf = (response: { cookies: { name: string; value: string }[] }) => response.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');

  const form = await app.inject({ method: 'GET', url: '/backoffice/sign-in' });
  const signedIn = await app.inject({
    method: 'POST',
    url: '/backoffice/sign-in',
    headers: { cookie: cookieOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf: csrfOf(form.body), email, password: PASSWORD, lang: 'en' }).toString(),
  });
  expect(signedIn.statusCode).toBe(303);
  const cookie = cookieOf(signedIn);
  const home = await app.inject({ method: 'GET', url: '/backoffice', headers: { cookie } });
  return { cookie, csrf: csrfOf(home.body) };
}

describe('call groups', () => {
  test('agenda lists one call per customer', async () => {
    const seeded = await seedCustomer('CG-AGENDA');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);

      const agenda = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${seeded.customerId}&kind=call`, headers });
      const details = await Promise.all(taskIds.map((taskId) => app.inject({ method: 'GET', url: `/v1/tasks/${taskId}`, headers })));

      const rows = await tasksOf(taskIds);
      const leaders = rows.filter((row) => row.group_id === null);
      expect(rows).toHaveLength(3);
      expect(leaders).toHaveLength(1);
      const leaderId = leaders[0]?.id;
      expect(rows.every((row) => row.group_id === null || row.group_id === leaderId)).toBe(true);

      expect(agenda.statusCode).toBe(200);
      const entries = agenda.json().tasks as { id: string; groupId: string; invoices: { invoiceNumber: string; dueMinor: number; currency: string }[]; totals: unknown }[];
      expect(entries.map((entry) => entry.id)).toEqual([leaderId]);
      expect(entries[0]?.invoices.map(({ invoiceNumber, dueMinor, currency }) => ({ invoiceNumber, dueMinor, currency }))).toEqual(
        seeded.invoices.map((invoice) => ({ invoiceNumber: invoice.number, dueMinor: invoice.totalMinor, currency: 'EUR' })),
      );
      expect(entries[0]?.totals).toEqual([{ currency: 'EUR', dueMinor: GROUP_TOTAL }]);

      for (const detail of details) {
        expect(detail.statusCode).toBe(200);
        expect(detail.json().task.groupId).toBe(leaderId);
        expect(detail.json().amountsDue.map((amount: { number: string }) => amount.number)).toEqual(seeded.invoices.map((invoice) => invoice.number));
        expect(detail.json().totals).toEqual([{ currency: 'EUR', dueMinor: GROUP_TOTAL }]);
        expect(detail.json().script.text).toContain('3 factures restées impayées');
        for (const invoice of seeded.invoices) expect(detail.json().script.text).toContain(`Facture ${invoice.number}`);
      }
    });
  });

  test('promise completes every task once', async () => {
    const seeded = await seedCustomer('CG-PROMISE');
    const callsBefore = await callsDoneToday();

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const memberId = (await tasksOf(taskIds)).find((row) => row.group_id !== null)?.id ?? '';
      const completion = { outcome: 'reached_promised', promisedDate: addDays(today(), 7), amountMinor: GROUP_TOTAL, durationMinutes: 6 };

      const first = await app.inject({ method: 'POST', url: `/v1/tasks/${memberId}/complete`, headers, payload: completion });
      const repeat = await app.inject({ method: 'POST', url: `/v1/tasks/${memberId}/complete`, headers, payload: { ...completion, durationMinutes: 9 } });
      await waitForSignals(seeded.invoices);

      expect(first.statusCode).toBe(200);
      expect(repeat.json()).toEqual(first.json());
      expect(first.json().carbon).toEqual({ channel: 'phone', gramsCo2e: 21.6 });
      expect(first.json().group.tasks).toHaveLength(3);
      expect((await tasksOf(taskIds)).map((row) => row.status)).toEqual(['done', 'done', 'done']);
      for (const invoice of seeded.invoices) {
        const state = await engine.state(invoice.id);
        expect(state.status).toBe('promised');
        expect(state.promise?.amountMinor).toBe(invoice.totalMinor);
        expect(await actionCount(invoice.id, 'promise_made')).toBe(1);
        expect(await actionCount(invoice.id, 'task_completed')).toBe(1);
      }
    });

    expect(await phoneLines(seeded.customerId)).toEqual([{ quantity: '6' }]);
    const events = await engine.db.sql<{ invoice_id: string; grams: number | null }[]>`
      select invoice_id, (data->>'gramsCo2e')::float8 as grams from case_events
      where type = 'call_completed' and invoice_id = any(${seeded.invoices.map((invoice) => invoice.id)}::uuid[])`;
    expect(events).toHaveLength(3);
    expect(events.filter((event) => event.grams !== null).map((event) => event.grams)).toEqual([21.6]);
    expect(await callsDoneToday()).toBe(callsBefore + 1);
  });

  test('partial promise goes oldest first', async () => {
    const seeded = await seedCustomer('CG-PARTIAL');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const completion = { outcome: 'reached_promised', promisedDate: addDays(today(), 7), amountMinor: 80_000, durationMinutes: 3 };

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[2]}/complete`, headers, payload: completion });
      await waitForSignals(seeded.invoices);

      expect(response.statusCode).toBe(200);
      const [oldest, middle, newest] = seeded.invoices;
      expect((await engine.state(oldest?.id ?? '')).promise?.amountMinor).toBe(64_000);
      expect((await engine.state(middle?.id ?? '')).promise?.amountMinor).toBe(16_000);
      expect((await engine.state(newest?.id ?? '')).promise).toBeNull();
      expect((await engine.state(newest?.id ?? '')).status).toBe('active');
    });
  });

  test('promise above the balance is rejected', async () => {
    const seeded = await seedCustomer('CG-TOOMUCH');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const completion = { outcome: 'reached_promised', promisedDate: addDays(today(), 7), amountMinor: GROUP_TOTAL + 1, durationMinutes: 3 };

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[0]}/complete`, headers, payload: completion });

      expect(response.statusCode).toBe(400);
      expect(response.json().detail).toContain(`${GROUP_TOTAL}`);
      expect((await tasksOf(taskIds)).map((row) => row.status)).toEqual(['open', 'open', 'open']);
    });
  });

  test('dispute opens on named invoices', async () => {
    const seeded = await seedCustomer('CG-DISPUTE');
    const [oldest, middle, newest] = seeded.invoices;

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const completion = { outcome: 'reached_disputed', reason: 'quantity', invoiceIds: [middle?.id], durationMinutes: 4 };
      const stranger = { ...completion, invoiceIds: ['00000000-0000-4000-8000-000000000000'] };

      const rejected = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[0]}/complete`, headers, payload: stranger });
      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[0]}/complete`, headers, payload: completion });
      await waitForSignals(seeded.invoices);

      expect(rejected.statusCode).toBe(400);
      expect(rejected.json().detail).toContain('00000000-0000-4000-8000-000000000000');
      expect(response.statusCode).toBe(200);
      expect((await engine.state(middle?.id ?? '')).dispute?.reason).toBe('quantity');
      expect((await engine.state(oldest?.id ?? '')).dispute).toBeNull();
      expect((await engine.state(newest?.id ?? '')).status).toBe('active');
      for (const invoice of seeded.invoices) expect(await actionCount(invoice.id, 'task_completed')).toBe(1);
    });
  });

  test('no answer lets every case go on', async () => {
    const seeded = await seedCustomer('CG-NOANSWER');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const leaderId = (await tasksOf(taskIds)).find((row) => row.group_id === null)?.id ?? '';

      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${leaderId}/complete`, headers, payload: { outcome: 'no_answer', durationMinutes: 0 } });
      await waitForSignals(seeded.invoices);

      expect(response.statusCode).toBe(200);
      expect((await tasksOf(taskIds)).map((row) => row.status)).toEqual(['done', 'done', 'done']);
      for (const invoice of seeded.invoices) {
        const state = await engine.state(invoice.id);
        expect(state.status).toBe('active');
        expect(state.promise).toBeNull();
        expect(await actionCount(invoice.id, 'task_completed')).toBe(1);
      }
    });

    expect(await phoneLines(seeded.customerId)).toEqual([{ quantity: '0' }]);
  });

  test('concurrent completions signal each case once', async () => {
    const seeded = await seedCustomer('CG-CONCURRENT');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const rows = await tasksOf(taskIds);
      const leaderId = rows.find((row) => row.group_id === null)?.id ?? '';
      const memberId = rows.find((row) => row.group_id !== null)?.id ?? '';
      const completion = { outcome: 'no_answer', durationMinutes: 2 };

      const responses = await Promise.all([leaderId, memberId].map((taskId) => app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, headers, payload: completion })));
      await waitForSignals(seeded.invoices);

      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      expect(responses[0]?.json().group).toEqual(responses[1]?.json().group);
      expect(responses[0]?.json().carbon).toEqual(responses[1]?.json().carbon);
      for (const invoice of seeded.invoices) expect(await actionCount(invoice.id, 'task_completed')).toBe(1);
    });

    expect(await phoneLines(seeded.customerId)).toEqual([{ quantity: '2' }]);
    const events = await engine.db.sql<{ count: number }[]>`
      select count(*)::int as count from case_events where type = 'call_completed' and invoice_id = any(${seeded.invoices.map((invoice) => invoice.id)}::uuid[])`;
    expect(events[0]?.count).toBe(3);
  });

  test('back-office works the group', async () => {
    const seeded = await seedCustomer('CG-OFFICE');
    const session = await backofficeSession('collector.groups@example.com');

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const leaderId = (await tasksOf(taskIds)).find((row) => row.group_id === null)?.id ?? '';
      const memberId = taskIds.find((taskId) => taskId !== leaderId) ?? '';

      const agenda = await app.inject({ method: 'GET', url: '/backoffice', headers: { cookie: session.cookie } });
      const page = await app.inject({ method: 'GET', url: `/backoffice/tasks/${memberId}`, headers: { cookie: session.cookie } });
      const form = new URLSearchParams({ csrf: session.csrf, action: 'complete', outcome: 'no_answer', durationMinutes: '3' });
      const done = await app.inject({
        method: 'POST',
        url: `/backoffice/tasks/${memberId}`,
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      await waitForSignals(seeded.invoices);

      expect(agenda.statusCode).toBe(200);
      expect(agenda.body.match(new RegExp(`/backoffice/tasks/(${taskIds.join('|')})"`, 'g'))).toEqual([`/backoffice/tasks/${leaderId}"`]);
      for (const invoice of seeded.invoices) expect(agenda.body).toContain(`>${invoice.number}</a>`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('This task covers 3 invoices.');
      expect(page.body).toContain('Total due (EUR):');
      expect(page.body).toContain(`value="${GROUP_TOTAL}"`);
      expect(done.statusCode).toBe(303);
      expect((await tasksOf(taskIds)).map((row) => row.status)).toEqual(['done', 'done', 'done']);
      for (const invoice of seeded.invoices) expect(await actionCount(invoice.id, 'task_completed')).toBe(1);
    });

    expect(await phoneLines(seeded.customerId)).toEqual([{ quantity: '3' }]);
  });

  test('visits group like calls', async () => {
    const seeded = await seedCustomer('CG-VISIT', VISIT_FIRST.id);

    await engine.run(async () => {
      await Promise.all(seeded.invoices.map((invoice) => engine.startCase(invoice.id)));
      const taskIds = await Promise.all(seeded.invoices.map((invoice) => waitFor(async () => {
        const [task] = await engine.db.sql<{ id: string }[]>`select id from tasks where invoice_id = ${invoice.id} and kind = 'visit'`;
        return task?.id;
      }, 'the visit task')));

      const agenda = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${seeded.customerId}&kind=visit`, headers });
      const response = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[1]}/complete`, headers, payload: { outcome: 'no_answer', distanceKm: 42 } });
      await waitForSignals(seeded.invoices);

      expect(agenda.json().tasks).toHaveLength(1);
      expect(agenda.json().tasks[0].invoices).toHaveLength(3);
      expect(response.statusCode).toBe(200);
      expect((await tasksOf(taskIds)).map((row) => row.status)).toEqual(['done', 'done', 'done']);
    });

    const lines = await engine.db.sql<{ quantity: string }[]>`select quantity from carbon_ledger where customer_id = ${seeded.customerId} and channel = 'visit'`;
    expect(lines).toEqual([{ quantity: '42' }]);
  });

  test('call after completion starts a group', async () => {
    const seeded = await seedCustomer('CG-LATER');
    const dueDate = addDays(today(), -10);
    const later = await engine.invoice({ customerRef: 'CG-LATER', number: 'CG-LATER-4', currency: 'EUR', totalMinor: 5_000, issueDate: addDays(dueDate, -30), dueDate });

    await engine.run(async () => {
      const taskIds = await startCalls(seeded.invoices);
      const completed = await app.inject({ method: 'POST', url: `/v1/tasks/${taskIds[0]}/complete`, headers, payload: { outcome: 'no_answer', durationMinutes: 1 } });
      expect(completed.statusCode).toBe(200);

      const [laterTaskId] = await startCalls([later]);
      const agenda = await app.inject({ method: 'GET', url: `/v1/tasks?customerId=${seeded.customerId}&kind=call`, headers });

      const [laterTask] = await tasksOf([laterTaskId ?? '']);
      expect(laterTask).toEqual({ id: laterTaskId, status: 'open', group_id: null });
      expect(agenda.json().tasks.map((entry: { id: string }) => entry.id)).toEqual([laterTaskId]);
      expect(agenda.json().tasks[0].invoices.map((invoice: { invoiceNumber: string }) => invoice.invoiceNumber)).toEqual(['CG-LATER-4']);
    });
  });
});
