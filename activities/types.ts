import type { CaseStatus, InvoiceBalance, TerminalState } from '../domain/case.js';
import type { ScenarioStep } from '../domain/scenario.js';

// Inputs and results of the activities a dunning case calls. Workflows import these
// types only; the implementations live beside them and run in the worker.

export interface CaseContext {
  invoice: { id: string; number: string; dueDate: string; issueDate: string; currency: string; cancelled: boolean };
  customer: { id: string; segment: string | null; isBusiness: boolean; timeZone: string; language: 'fr' | 'en'; groupReminders: boolean };
}

export interface PerformStepInput {
  workflowId: string;
  invoiceId: string;
  customerId: string;
  step: ScenarioStep;
  scheduledAt: string;
  /** The workflow's clock when the step acts; activities date their output with it, not with the worker's clock. */
  actedAt: string;
  balance: InvoiceBalance;
  idempotencyKey: string;
}

export interface StepOutcome {
  outcome: 'sent' | 'not_deliverable' | 'task_opened';
  messageId?: string;
  taskId?: string;
  detail?: string;
}

export interface CaseEventInput {
  workflowId: string;
  invoiceId: string;
  type: string;
  occurredAt: string;
  source: 'workflow' | 'api' | 'portal' | 'operator' | 'provider';
  data?: Record<string, unknown>;
  idempotencyKey: string;
}

export interface CaseProjection {
  workflowId: string;
  invoiceId: string;
  customerId: string;
  scenarioId: string;
  scenarioVersion: number;
  status: CaseStatus;
  stage: string | null;
  amountDueMinor: number | null;
  currency: string;
  nextActionAt: string | null;
}

export interface EndCaseInput {
  workflowId: string;
  invoiceId: string;
  terminalState: TerminalState;
  balance: InvoiceBalance | null;
  endedAt: string;
  reason?: string;
}

export interface OpenTaskInput {
  idempotencyKey: string;
  kind: 'call' | 'letter' | 'visit' | 'dispute' | 'check_payment' | 'confirm_step' | 'not_deliverable' | 'legal_handoff';
  workflowId: string;
  invoiceId: string;
  customerId: string;
  stepKey?: string;
  dueAt: string;
  data?: Record<string, unknown>;
}

export interface WriteOffActivityInput {
  invoiceId: string;
  amountMinor: number;
  reason: string;
  author: string;
  idempotencyKey: string;
}
