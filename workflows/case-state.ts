import type { CaseAction, CaseState, CaseStatus, DisputeReason, InvoiceBalance, StepRecord } from '../domain/case.js';
import type { Scenario } from '../domain/scenario.js';

// The mutable state of one dunning case, carried across continue-as-new.

export interface DunningCaseInput {
  invoiceId: string;
  customerId: string;
  invoiceNumber: string;
  currency: string;
  /** The scenario version pinned when the case started; running cases never change it silently. */
  scenario: Scenario;
  /** Present when the case continues as new: everything the previous run knew. */
  carried?: CarriedState;
  /** History length past which the case continues as new; tests lower it. */
  historyEventsBeforeContinue?: number;
  /** Requests not yet acted on when the case continued as new. */
  pending?: PendingRequests;
}

export interface CarriedState {
  startedAt: string;
  status: CaseStatus;
  steps: StepRecord[];
  skippedStepKeys: string[];
  confirmedStepKeys: string[];
  promise: PromiseState | null;
  dispute: DisputeState | null;
  pausedUntil: string | null;
  pausedIndefinitely: boolean;
  lastActions: CaseAction[];
  /** Actions not yet written to the case history in PostgreSQL. */
  unrecorded: CaseAction[];
  balance: InvoiceBalance | null;
  eventSequence: number;
  /** E-mail steps whose scenario names a fallback channel and whose e-mail did not reach the customer. */
  fallbacksDue?: string[];
  fallbacksDone?: string[];
}

export interface PromiseState {
  promisedDate: string;
  amountMinor: number;
  resumeAt: string;
  /** The balance at or under which the promise counts as kept. */
  keptAtOrUnderMinor: number;
  madeAt: string;
}

export interface DisputeState {
  reason: DisputeReason;
  comment?: string;
  openedAt: string;
}

/** Requests from messages that the main loop acts on at its next turn. */
export interface PendingRequests {
  escalate: boolean;
  cancel: { author: string; reason?: string } | null;
  writeOff: { author: string; reason: string } | null;
  cancelInvoice: { author: string; reason?: string } | null;
}

export const MAX_LAST_ACTIONS = 20;

export function initialState(input: DunningCaseInput, now: string): CarriedState {
  return (
    input.carried ?? {
      startedAt: now,
      status: 'active',
      steps: [],
      skippedStepKeys: [],
      confirmedStepKeys: [],
      promise: null,
      dispute: null,
      pausedUntil: null,
      pausedIndefinitely: false,
      lastActions: [],
      unrecorded: [],
      balance: null,
      eventSequence: 0,
    }
  );
}

export function rememberAction(state: CarriedState, action: CaseAction): void {
  state.lastActions.push(action);
  state.unrecorded.push(action);
  if (state.lastActions.length > MAX_LAST_ACTIONS) state.lastActions.splice(0, state.lastActions.length - MAX_LAST_ACTIONS);
}

export function toCaseState(
  workflowId: string,
  input: DunningCaseInput,
  state: CarriedState,
  nextStep: CaseState['nextStep'],
): CaseState {
  const lastStep = state.steps.at(-1);
  return {
    workflowId,
    invoiceId: input.invoiceId,
    status: state.status,
    stage: lastStep?.stepKey ?? null,
    scenario: { id: input.scenario.id, version: input.scenario.version },
    nextStep,
    balance: state.balance,
    promise: state.promise
      ? { promisedDate: state.promise.promisedDate, amountMinor: state.promise.amountMinor, resumeAt: state.promise.resumeAt }
      : null,
    dispute: state.dispute,
    pausedUntil: state.pausedIndefinitely ? null : state.pausedUntil,
    paused: state.pausedIndefinitely || (state.pausedUntil !== null && Date.parse(state.pausedUntil) > Date.now()),
    steps: state.steps,
    lastActions: state.lastActions,
  };
}
