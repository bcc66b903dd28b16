import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Sql } from '../../db/client.js';
import type { CaseState } from '../../domain/case.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { ApiError, notFound } from '../errors.js';
import { startDunningCase, type TemporalHandle } from '../temporal.js';
import { resolveScenario } from './scenarios.js';

export interface CaseRow {
  workflow_id: string;
  invoice_id: string;
  customer_id: string;
  scenario_id: string;
  scenario_version: number;
  status: string;
  stage: string | null;
  terminal_state: string | null;
  amount_due_minor: number | null;
  currency: string | null;
  next_action_at: Date | null;
  started_at: Date;
  ended_at: Date | null;
}

/** Starts the case of an invoice with its scenario (invoice override, then customer, then default); a repeated call finds the same case. */
export async function startCaseForInvoice(sql: Sql, temporal: TemporalHandle, invoiceId: string): Promise<{ workflowId: string }> {
  const [invoice] = await sql<{ id: string; customer_id: string; number: string; currency: string; kind: string; invoice_scenario: string | null; customer_scenario: string | null }[]>`
    select i.id, i.customer_id, i.number, i.currency, i.kind, i.scenario_id as invoice_scenario, c.scenario_id as customer_scenario
    from invoices i join customers c on c.id = i.customer_id where i.id = ${invoiceId}`;
  if (!invoice) throw notFound('invoice', invoiceId);
  if (invoice.kind !== 'invoice') throw new ApiError('validation_failed', `document ${invoice.number} is a credit note: only invoices have a dunning case`);

  const scenario = await resolveScenario(sql, invoice.invoice_scenario, invoice.customer_scenario);
  const { workflowId } = await startDunningCase(temporal, {
    invoiceId: invoice.id,
    customerId: invoice.customer_id,
    invoiceNumber: invoice.number,
    currency: invoice.currency,
    scenario,
  });
  await sql`
    insert into cases (workflow_id, invoice_id, customer_id, scenario_id, scenario_version, status, currency)
    values (${workflowId}, ${invoice.id}, ${invoice.customer_id}, ${scenario.id}, ${scenario.version}, 'active', ${invoice.currency})
    on conflict (workflow_id) do nothing`;
  return { workflowId };
}

/** How long a case read waits for the live state before it returns the stored projection alone. */
const CASE_QUERY_TIMEOUT_MS = 5_000;

export async function findCase(sql: Sql, invoiceId: string): Promise<CaseRow> {
  const [row] = await sql<CaseRow[]>`select * from cases where invoice_id = ${invoiceId}`;
  if (!row) throw notFound('case of invoice', invoiceId);
  return row;
}

/** Returns a case: the live state from its workflow while it runs, the stored projection once it has ended, and its history. */
export async function readCase(sql: Sql, temporal: TemporalHandle, invoiceId: string) {
  const row = await findCase(sql, invoiceId);
  const history = await sql<{ type: string; source: string; occurred_at: Date; data: unknown }[]>`
    select type, source, occurred_at, data from case_events where workflow_id = ${row.workflow_id} order by occurred_at, id`;
  let live: CaseState | null = null;
  if (!row.terminal_state) {
    try {
      // A query waits for a worker to respond, so a busy or stopped worker would hold the read.
      live = await temporal.client.withDeadline(Date.now() + CASE_QUERY_TIMEOUT_MS, () =>
        temporal.client.workflow.getHandle(row.workflow_id).query<CaseState>('caseState'));
    } catch {
      live = null;
    }
  }
  return { case: row, state: live, history };
}

/**
 * Derives the Temporal update id from the request's Idempotency-Key. A repeat after a timeout
 * (whose 503 is not stored for replay) then reaches the case once.
 */
export function caseUpdateId(request: { idempotencyKey: string | null; apiKey?: { id: string } | null }): string | undefined {
  return request.idempotencyKey && request.apiKey ? `api/${request.apiKey.id}/${request.idempotencyKey}` : undefined;
}

export type CaseUpdateName =
  | 'promiseToPay' | 'openDispute' | 'resolveDispute' | 'pause' | 'resume' | 'skipStep'
  | 'escalate' | 'confirmStep' | 'markStepDone' | 'cancel' | 'writeOff' | 'migrateScenario';

/**
 * Sends an update to a running case and returns its state afterwards. An ended case
 * raises a 409 error with its terminal state, and input the case rejects raises a 400.
 * With an `updateId`, Temporal applies a repeated update once and returns the first result.
 */
export async function updateCase(sql: Sql, temporal: TemporalHandle, invoiceId: string, name: CaseUpdateName, input: unknown, updateId?: string): Promise<CaseState> {
  const row = await findCase(sql, invoiceId);
  const ended = () =>
    new ApiError('case_ended', `the case of invoice ${invoiceId} has ended as ${row.terminal_state ?? 'finished'}: nothing more can change it`, {
      terminalState: row.terminal_state,
    });
  if (row.terminal_state) throw ended();

  try {
    return await temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).executeUpdate<CaseState, [unknown]>(name, { args: [input], ...(updateId ? { updateId } : {}) });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as Error | undefined;
      throw new ApiError('validation_failed', cause?.message ?? error.message);
    }
    const message = (error as Error).message ?? '';
    if ((error as Error).name === 'WorkflowNotFoundError' || /completed|not found/i.test(message)) {
      const [fresh] = await sql<{ terminal_state: string | null }[]>`select terminal_state from cases where invoice_id = ${invoiceId}`;
      row.terminal_state = fresh?.terminal_state ?? row.terminal_state;
      throw ended();
    }
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new ApiError('dependency_unavailable', `the case of invoice ${invoiceId} timed out on ${name} and may still apply it: read the case before you repeat the request, or repeat it with the same Idempotency-Key`);
    }
    throw error;
  }
}
