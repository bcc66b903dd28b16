import { z } from 'zod';
import { calendarDateSchema, instantSchema } from './dates.js';
import { channelSchema, scenarioSchema } from './scenario.js';

// The dunning case: its states, the inputs of every message a case accepts, and the
// state a query returns. Workflow-safe; the API validates the same schemas at its edge.

export const caseStatusSchema = z.enum([
  'active',
  'paused',
  'promised',
  'disputed',
  'awaiting_confirmation',
  'paid',
  'settled_by_credit_note',
  'written_off',
  'handed_over',
  'cancelled',
]);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const terminalStateSchema = z.enum(['paid', 'settled_by_credit_note', 'written_off', 'handed_over', 'cancelled']);
export type TerminalState = z.infer<typeof terminalStateSchema>;

export function isTerminal(status: CaseStatus): status is TerminalState {
  return terminalStateSchema.safeParse(status).success;
}

const isoInstant = instantSchema;
const calendarDate = calendarDateSchema;
const shortText = z.string().trim().max(2000);
export const actionSourceSchema = z.enum(['api', 'portal', 'operator', 'provider']);

export const promiseToPayInputSchema = z.object({
  promisedDate: calendarDate,
  amountMinor: z.number().int().positive(),
  source: actionSourceSchema,
  author: z.string().max(200).optional(),
});
export type PromiseToPayInput = z.infer<typeof promiseToPayInputSchema>;

export const disputeReasonSchema = z.enum(['quantity', 'price', 'quality', 'not_delivered', 'already_paid', 'other']);
export type DisputeReason = z.infer<typeof disputeReasonSchema>;

export const openDisputeInputSchema = z.object({
  reason: disputeReasonSchema,
  comment: shortText.optional(),
  source: actionSourceSchema,
  author: z.string().max(200).optional(),
});
export type OpenDisputeInput = z.infer<typeof openDisputeInputSchema>;

export const resolveDisputeInputSchema = z.object({
  /** Accepted disputes end with a credit note (recorded as a balance change) or the invoice's cancellation. */
  outcome: z.enum(['rejected', 'accepted_with_credit_note', 'accepted_with_cancellation']),
  note: shortText.optional(),
  author: z.string().max(200),
});
export type ResolveDisputeInput = z.infer<typeof resolveDisputeInputSchema>;

export const pauseInputSchema = z.object({
  until: isoInstant.optional(),
  reason: shortText.optional(),
  author: z.string().max(200),
});
export type PauseInput = z.infer<typeof pauseInputSchema>;

export const operatorInputSchema = z.object({ author: z.string().max(200), reason: shortText.optional() });
export type OperatorInput = z.infer<typeof operatorInputSchema>;

export const stepInputSchema = operatorInputSchema.extend({ stepKey: z.string().min(1).max(40).optional() });
export type StepInput = z.infer<typeof stepInputSchema>;

export const manualStepInputSchema = operatorInputSchema.extend({
  stepKey: z.string().min(1).max(40),
  channel: channelSchema,
});
export type ManualStepInput = z.infer<typeof manualStepInputSchema>;

export const writeOffInputSchema = z.object({ author: z.string().max(200), reason: z.string().trim().min(3).max(2000) });
export type WriteOffInput = z.infer<typeof writeOffInputSchema>;

/** Moves a running case to a newer version of its scenario; done steps stay done. */
export const migrateScenarioInputSchema = z.object({ scenario: scenarioSchema, author: z.string().max(200) });
export type MigrateScenarioInput = z.input<typeof migrateScenarioInputSchema>;

export const balanceChangedInputSchema = z.object({
  kind: z.enum(['payment', 'credit_note', 'write_off', 'reversal', 'refund', 'allocation']),
  reference: z.string().max(200).optional(),
});
export type BalanceChangedInput = z.infer<typeof balanceChangedInputSchema>;

export const taskCompletedInputSchema = z.object({
  taskId: z.string(),
  kind: z.string(),
  outcome: z.string(),
  callBackAt: isoInstant.optional(),
  promisedDate: calendarDate.optional(),
  amountMinor: z.number().int().positive().optional(),
});
export type TaskCompletedInput = z.infer<typeof taskCompletedInputSchema>;

/** The balance of record of one invoice, re-read before every action. */
export interface InvoiceBalance {
  invoiceId: string;
  currency: string;
  originalMinor: number;
  paidMinor: number;
  creditedMinor: number;
  writtenOffMinor: number;
  /** Received payments and on-account credits that count against this invoice though not yet allocated to it. */
  unallocatedMinor: number;
  dueMinor: number;
  /** The kind of movement that settled most of the invoice, to name the terminal state. */
  mainSettlement: 'payment' | 'credit_note' | 'write_off' | 'none';
}

export interface StepRecord {
  stepKey: string;
  channel: z.infer<typeof channelSchema>;
  /** When the plan scheduled the step; absent for a step done by hand. */
  scheduledAt?: string;
  /** When the step was done. */
  at: string;
  outcome: 'sent' | 'not_deliverable' | 'task_opened' | 'done_manually' | 'skipped' | 'missed' | 'below_tolerance';
  dueMinor?: number;
  messageId?: string;
}

export interface CaseAction {
  at: string;
  type: string;
  detail?: string;
}

/** State returned by the case query: enough to know where the case stands without reading its history. */
export interface CaseState {
  workflowId: string;
  invoiceId: string;
  status: CaseStatus;
  stage: string | null;
  scenario: { id: string; version: number };
  nextStep: { stepKey: string; channel: string; scheduledAt: string } | null;
  balance: InvoiceBalance | null;
  promise: { promisedDate: string; amountMinor: number; resumeAt: string } | null;
  dispute: { reason: DisputeReason; comment?: string; openedAt: string } | null;
  pausedUntil: string | null;
  /** True while an operator's pause, with or without an end, stops the case. */
  paused: boolean;
  steps: StepRecord[];
  lastActions: CaseAction[];
}
