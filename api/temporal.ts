import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Env } from '../config/env.js';
import { temporalConnectionOptions } from '../config/temporal.js';
import { dunningCaseWorkflowId } from '../domain/ids.js';
import type { Scenario } from '../domain/scenario.js';
import { CURRENCY, CUSTOMER_ID, DUNNING_STATUS, INVOICE_NUMBER } from '../domain/search-attributes.js';

export { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError };

export interface TemporalHandle {
  client: Client;
  connection: Connection;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTemporal(env: Env): Promise<TemporalHandle> {
  const connection = await Connection.connect(await temporalConnectionOptions(env));
  return {
    client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }),
    connection,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    close: () => connection.close(),
  };
}

export interface StartCaseInput {
  invoiceId: string;
  customerId: string;
  invoiceNumber: string;
  currency: string;
  scenario: Scenario;
}

/**
 * Starts the dunning case of an invoice, or finds the one already running: the id comes
 * from the invoice, a running case is reused, and a finished case is never started again.
 */
export async function startDunningCase(temporal: TemporalHandle, input: StartCaseInput): Promise<{ workflowId: string; alreadyEnded: boolean }> {
  const workflowId = dunningCaseWorkflowId(input.invoiceId);
  try {
    const handle = await temporal.client.workflow.start('dunningCase', {
      workflowId,
      taskQueue: temporal.taskQueue,
      args: [{ invoiceId: input.invoiceId, customerId: input.customerId, invoiceNumber: input.invoiceNumber, currency: input.currency, scenario: input.scenario }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: INVOICE_NUMBER, value: input.invoiceNumber },
        { key: CUSTOMER_ID, value: input.customerId },
        { key: CURRENCY, value: input.currency },
        { key: DUNNING_STATUS, value: 'active' },
      ],
      staticSummary: `Invoice ${input.invoiceNumber}`,
    });
    return { workflowId: handle.workflowId, alreadyEnded: false };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyEnded: true };
    throw error;
  }
}
