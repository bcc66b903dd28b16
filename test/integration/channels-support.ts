// Seeds and dependencies shared by the channel tests: customers and invoices through the
// API's own services, and the activities' dependencies on a test database.
import pino from 'pino';
import { readInvoiceBalance } from '../../activities/balance.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { OutboxMailer } from '../../activities/mailer.js';
import type { PerformStepInput } from '../../activities/types.js';
import { customerInputSchema, invoiceInputSchema } from '../../api/schemas.js';
import { insertInvoice, upsertCustomer } from '../../api/services/ledger.js';
import type { Sql } from '../../db/client.js';
import { dunningCaseWorkflowId, stepActionKey } from '../../domain/ids.js';
import { scenarioStepSchema, type ScenarioStep } from '../../domain/scenario.js';
import { loadLatePaymentRateTable } from '../../config/rates/late-payment-rates.js';

export function activityDeps(sql: Sql): ActivityDeps {
  return {
    sql,
    mailer: new OutboxMailer(),
    logger: pino({ level: 'silent' }),
    company: { name: 'Relance Demo SAS', siren: '552100554', address: '1 rue de la Paix, 75002 Paris, France', senderEmail: 'relances@relance.invalid', language: 'fr' },
    portal: { baseUrl: 'http://127.0.0.1:3000/portal', secrets: 'relance-test-portal-secret-of-32-characters', linkTtlDays: 45 },
    rateTable: loadLatePaymentRateTable(),
  };
}

export async function seedCustomer(sql: Sql, input: Record<string, unknown>): Promise<{ id: string; external_ref: string; name: string; language: string; time_zone: string; scenario_id: string | null }> {
  return (await upsertCustomer(sql, customerInputSchema.parse(input))).customer;
}

export async function seedInvoice(sql: Sql, input: Record<string, unknown>): Promise<{ id: string; customer_id: string }> {
  const parsed = invoiceInputSchema.parse({ startCase: false, ...input });
  const [customer] = await sql<{ id: string; external_ref: string; name: string; language: string; time_zone: string; scenario_id: string | null }[]>`
    select id, external_ref, name, language, time_zone, scenario_id from customers where external_ref = ${parsed.customerRef}`;
  if (!customer) throw new Error(`test customer ${parsed.customerRef} is missing: seed it first`);
  return (await insertInvoice(sql, customer, parsed)).invoice;
}

export const FORMAL_NOTICE_STEP: ScenarioStep = scenarioStepSchema.parse({
  key: 'r4',
  offsetDays: 45,
  channel: 'registered_letter',
  templateKey: 'formal-notice',
  tone: 'formal_notice',
  claimsPenalties: true,
});

export const REMINDER_LETTER_STEP: ScenarioStep = scenarioStepSchema.parse({
  key: 'r2',
  offsetDays: 15,
  channel: 'letter',
  templateKey: 'reminder',
  tone: 'firm',
});

/** Builds the input the workflow gives a step of an invoice's case, with the balance of record read now. */
export async function stepInput(sql: Sql, invoice: { id: string; customer_id: string }, step: ScenarioStep, actedAt: string): Promise<PerformStepInput> {
  const workflowId = dunningCaseWorkflowId(invoice.id);
  return {
    workflowId,
    invoiceId: invoice.id,
    customerId: invoice.customer_id,
    step,
    scheduledAt: actedAt,
    actedAt,
    balance: await readInvoiceBalance(sql, invoice.id),
    idempotencyKey: stepActionKey(workflowId, step.key),
  };
}
