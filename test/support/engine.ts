// A dunning engine for tests: a Temporal server, a test database, a real worker with the
// production activities, and the API's own services to seed customers, invoices and
// payments. Mail goes to the local outbox (the messages table) unless a mailer is given.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { OutboxMailer, type Mailer } from '../../activities/mailer.js';
import { customerInputSchema, invoiceInputSchema, paymentInputSchema } from '../../api/schemas.js';
import { startCaseForInvoice } from '../../api/services/cases.js';
import { insertInvoice, recordPayment, upsertCustomer } from '../../api/services/ledger.js';
import { saveScenario } from '../../api/services/scenarios.js';
import type { TemporalHandle } from '../../api/temporal.js';
import { loadEnv } from '../../config/env.js';
import type { CaseState } from '../../domain/case.js';
import type { ScenarioInput } from '../../domain/scenario.js';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../domain/search-attributes.js';
import { bundleWorkflows, createWorker, installRuntimeLogger } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { createDevEnvironment, createTimeSkippingEnvironment } from './temporal.js';

export const silentLogger = pino({ level: 'silent' });
installRuntimeLogger(pino({ level: 'error' }));

let workflowBundle: ReturnType<typeof bundleWorkflows> | undefined;

/** Polls `probe` in real time until it returns a value other than undefined; the server's clock does not move meanwhile. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Plan P1 of the field cases: J+5 e-mail, J+15 e-mail, J+30 call, J+45 registered letter, sent at 09:00, calendar off. */
export const PLAN_P1: ScenarioInput = {
  id: 'p1',
  version: 1,
  name: { fr: 'Plan P1', en: 'Plan P1' },
  steps: [
    { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
    { key: 'r2', offsetDays: 15, channel: 'email', templateKey: 'reminder', tone: 'firm' },
    { key: 'r3', offsetDays: 30, channel: 'phone', templateKey: 'call', tone: 'firm' },
    { key: 'r4', offsetDays: 45, channel: 'registered_letter', templateKey: 'formal-notice', tone: 'formal_notice' },
  ],
  calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '09:00', end: '17:00' }, nonBusinessDayRule: 'next_business_day' },
};

/** A demo scenario counted in minutes: R1 at the case start, R2 ten hours later, any day and hour. */
export function demoScenario(id: string): ScenarioInput {
  return {
    id,
    version: 1,
    name: { fr: 'Démo', en: 'Demo' },
    mode: 'demo',
    calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '00:00', end: '23:59' }, nonBusinessDayRule: 'next_business_day' },
    steps: [
      { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
      { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
    ],
  };
}

export interface EngineOptions {
  /** Starts the time-skipping server with its clock at this instant; without it, the CLI dev server runs in real time. */
  startTime?: string;
  mailer?: Mailer;
}

export interface Engine {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  temporal: TemporalHandle;
  /** Runs `body` while a worker polls this engine's task queue. */
  run<T>(body: () => Promise<T>): Promise<T>;
  customer(input: Record<string, unknown>): Promise<{ id: string }>;
  invoice(input: Record<string, unknown>): Promise<{ id: string }>;
  pay(input: Record<string, unknown>, options?: { signal?: boolean }): Promise<{ paymentId: string }>;
  scenario(input: ScenarioInput): Promise<void>;
  startCase(invoiceId: string): Promise<WorkflowHandle>;
  state(invoiceId: string): Promise<CaseState>;
  /** Advances the server's clock to `instant` (time-skipping server only). */
  sleepUntil(instant: string): Promise<void>;
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const env = options.startTime
    ? await createTimeSkippingEnvironment({ startTime: options.startTime })
    : await createDevEnvironment();
  if (options.startTime) await registerSearchAttributes(env);
  const db = await createTestDatabase();
  const taskQueue = `test-${randomUUID()}`;
  const temporal: TemporalHandle = { client: env.client, connection: env.connection, taskQueue, close: async () => {} };
  const appEnv = loadEnv({ NODE_ENV: 'test', DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue });

  const run = async <T>(body: () => Promise<T>): Promise<T> => {
    const { worker } = await createWorker({
      env: appEnv,
      sql: db.sql,
      logger: silentLogger,
      mailer: options.mailer ?? new OutboxMailer(),
      connection: env.nativeConnection,
      client: env.client,
      taskQueue,
      workflowBundle: await (workflowBundle ??= bundleWorkflows()),
    });
    return worker.runUntil(body);
  };

  return {
    env,
    db,
    temporal,
    run,
    customer: async (input) => (await upsertCustomer(db.sql, customerInputSchema.parse(input))).customer,
    invoice: async (input) => {
      const parsed = invoiceInputSchema.parse({ startCase: false, ...input });
      const [customer] = await db.sql<{ id: string; external_ref: string; name: string; language: string; time_zone: string; scenario_id: string | null }[]>`
        select id, external_ref, name, language, time_zone, scenario_id from customers where external_ref = ${parsed.customerRef}`;
      if (!customer) throw new Error(`test customer ${parsed.customerRef} is missing: create it first`);
      return (await insertInvoice(db.sql, customer, parsed)).invoice;
    },
    pay: async (input, { signal = true } = {}) => {
      const parsed = paymentInputSchema.parse(input);
      if (signal) return recordPayment(db.sql, temporal, silentLogger, parsed);
      // Records the payment without waking its case, as a slow balance feed would.
      const [row] = await db.sql<{ id: string }[]>`
        insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on, invoice_number)
        values (${parsed.customerRef}, (select id from customers where external_ref = ${parsed.customerRef}), ${parsed.reference},
                ${parsed.amountMinor}, ${parsed.currency}, ${parsed.receivedOn}, ${parsed.invoiceNumber ?? null})
        returning id`;
      return { paymentId: row?.id ?? '' };
    },
    scenario: async (input) => {
      await saveScenario(db.sql, input);
    },
    startCase: async (invoiceId) => {
      const { workflowId } = await startCaseForInvoice(db.sql, temporal, invoiceId);
      return env.client.workflow.getHandle(workflowId);
    },
    state: async (invoiceId) => env.client.workflow.getHandle(`dunning-case-${invoiceId}`).query<CaseState>('caseState'),
    sleepUntil: async (instant) => {
      const milliseconds = Date.parse(instant) - (await env.currentTimeMs());
      if (milliseconds > 0) await env.sleep(milliseconds);
    },
    close: async () => {
      await env.teardown();
      await db.drop();
    },
  };
}

// Values of temporal.api.enums.v1.IndexedValueType.
const INDEXED_VALUE_TYPES = { Keyword: 2, Int: 3, Datetime: 6 } as const;

/** Registers the custom search attributes on a test server, which starts with none (the dev server gets them as flags). */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTE_DEFINITIONS.map((definition) => [definition.name, INDEXED_VALUE_TYPES[definition.type]]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

/** E-mails stored for a customer, oldest first, with the invoices and balances each one carried. */
export async function emailsOf(db: TestDatabase, customerExternalRef: string) {
  return db.sql<{ id: string; status: string; sent_at: Date; subject: string | null; text_body: string | null; lines: { invoiceId: string; stepKey: string; dueMinor: number }[] }[]>`
    select m.id, m.status, m.sent_at, m.subject, m.text_body,
      coalesce(json_agg(json_build_object('invoiceId', mi.invoice_id, 'stepKey', mi.step_key, 'dueMinor', mi.due_minor)) filter (where mi.invoice_id is not null), '[]') as lines
    from messages m join customers c on c.id = m.customer_id left join message_invoices mi on mi.message_id = m.id
    where c.external_ref = ${customerExternalRef} and m.channel = 'email'
    group by m.id order by m.sent_at`;
}

export async function caseEventsOf(db: TestDatabase, invoiceId: string) {
  return db.sql<{ type: string; source: string; occurred_at: Date; data: Record<string, unknown> }[]>`
    select type, source, occurred_at, data from case_events where invoice_id = ${invoiceId} order by occurred_at, id`;
}
