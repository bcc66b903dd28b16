import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BalanceChangedInput,
  CaseState,
  ManualStepInput,
  MigrateScenarioInput,
  OpenDisputeInput,
  OperatorInput,
  PauseInput,
  PromiseToPayInput,
  ResolveDisputeInput,
  StepInput,
  TaskCompletedInput,
  WriteOffInput,
} from '../domain/case.js';
import type { Tone } from '../domain/scenario.js';

// Messages a dunning case accepts. Updates return the case state after the change, or
// reject invalid input before anything is written to history. Signals carry facts that
// need no result (a payment was recorded, a contact changed).

export const balanceChangedSignal = defineSignal<[BalanceChangedInput]>('balanceChanged');
export const contactChangedSignal = defineSignal<[]>('contactChanged');
export const taskCompletedSignal = defineSignal<[TaskCompletedInput]>('taskCompleted');

export const promiseToPayUpdate = defineUpdate<CaseState, [PromiseToPayInput]>('promiseToPay');
export const openDisputeUpdate = defineUpdate<CaseState, [OpenDisputeInput]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<CaseState, [ResolveDisputeInput]>('resolveDispute');
export const pauseUpdate = defineUpdate<CaseState, [PauseInput]>('pause');
export const resumeUpdate = defineUpdate<CaseState, [OperatorInput]>('resume');
export const skipStepUpdate = defineUpdate<CaseState, [StepInput]>('skipStep');
export const escalateUpdate = defineUpdate<CaseState, [OperatorInput]>('escalate');
export const confirmStepUpdate = defineUpdate<CaseState, [StepInput]>('confirmStep');
export const markStepDoneUpdate = defineUpdate<CaseState, [ManualStepInput]>('markStepDone');
export const cancelUpdate = defineUpdate<CaseState, [OperatorInput]>('cancel');
export const writeOffUpdate = defineUpdate<CaseState, [WriteOffInput]>('writeOff');
export const migrateScenarioUpdate = defineUpdate<CaseState, [MigrateScenarioInput]>('migrateScenario');

export const caseStateQuery = defineQuery<CaseState>('caseState');

/** An e-mail step a case hands to its customer's mailbox, to go out with the customer's other invoices. */
export interface GroupedStepRequest {
  workflowId: string;
  invoiceId: string;
  stepKey: string;
  tone: Tone;
  claimsPenalties: boolean;
  residualToleranceMinor: number;
  /** The due date orders the invoices; the oldest one sets the e-mail's tone. */
  dueDate: string;
}

export interface StepDelivery {
  stepKey: string;
  /** 'withheld': the case took a promise, a dispute or a pause after asking; it plans the step again. */
  outcome: 'sent' | 'not_deliverable' | 'below_tolerance' | 'withheld';
  messageId?: string;
}

export const requestGroupedStepSignal = defineSignal<[GroupedStepRequest]>('requestGroupedStep');
export const stepDeliveredSignal = defineSignal<[StepDelivery]>('stepDelivered');

/** The e-mail that carried a step bounced or was reported as spam after it was sent. */
export interface EmailBounce {
  stepKey: string;
  kind: 'bounced' | 'complained';
}
export const emailBouncedSignal = defineSignal<[EmailBounce]>('emailBounced');
