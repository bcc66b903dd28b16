import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DunningActivities } from '../activities/index.js';
import type { CaseState, InvoiceBalance, TerminalState } from '../domain/case.js';
import { nextStep as firstOpenStep, planSteps, type PlannedStep } from '../domain/planner.js';
import {
  AMOUNT_DUE,
  CURRENCY,
  CUSTOMER_ID,
  DUNNING_STAGE,
  DUNNING_STATUS,
  INVOICE_NUMBER,
  NEXT_ACTION_AT,
} from '../domain/search-attributes.js';
import { stepActionKey } from '../domain/ids.js';
import type { CaseContext, StepOutcome } from '../activities/types.js';
import { stepDeliveredSignal, type StepDelivery } from './messages.js';
import { registerHandlers } from './case-handlers.js';
import { initialState, rememberAction, toCaseState, type DunningCaseInput, type PendingRequests } from './case-state.js';

// Reads and bookkeeping are idempotent, so they retry until the database is back.
// The worker heartbeats every running activity (worker/heartbeat.ts), so the heartbeat
// timeouts let another worker retry soon after one dies in the middle of an activity.
const ledger = proxyActivities<DunningActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

// A step's side effect carries an idempotency key derived from the case and the step, so
// retries are safe. An invalid address comes back as an outcome, not as a failure.
const channels = proxyActivities<DunningActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2, nonRetryableErrorTypes: ['InvalidStepInput'] },
});

/** Above this many history events the case continues as new, well below Temporal's limits. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 5_000;

/** Runs the dunning of one invoice from its first step to a terminal state. */
export async function dunningCase(input: DunningCaseInput): Promise<{ terminalState: TerminalState }> {
  const { workflowId } = workflowInfo();
  let scenario = input.scenario;
  const state = initialState(input, nowIso());
  const pending: PendingRequests = input.pending ?? { escalate: false, cancel: null, writeOff: null, cancelInvoice: null };
  let context: CaseContext | null = null;
  let plannedNext: PlannedStep | null = null;
  let wakes = 0;
  let handledWakes = 0;
  let ended = false;

  const snapshot = (): CaseState =>
    toCaseState(workflowId, { ...input, scenario }, state, plannedNext ? { stepKey: plannedNext.stepKey, channel: plannedNext.channel, scheduledAt: plannedNext.scheduledAt } : null);

  const deliveries = new Map<string, StepDelivery>();
  setHandler(stepDeliveredSignal, (delivery) => {
    deliveries.set(delivery.stepKey, delivery);
  });

  registerHandlers({
    scenario: () => scenario,
    migrateScenario: (next) => {
      scenario = next;
    },
    state,
    pending,
    timeZone: () => context?.customer.timeZone ?? 'Europe/Paris',
    wake: () => {
      wakes += 1;
    },
    settled: async () => {
      const target = wakes;
      await condition(() => handledWakes >= target || ended);
    },
    snapshot,
    isEnded: () => ended,
  });

  // Messages that arrive while a turn of the loop runs make its wait return at once, so
  // the next turn acts on them. `turnStart` is the wake count the current turn started from.
  let turnStart = 0;

  /** Waits until `until` (an ISO instant, or forever when null) unless a message wakes the case first. Returns true when woken. */
  const waitForWakeOr = async (until: string | null): Promise<boolean> => {
    handledWakes = turnStart;
    const seen = turnStart;
    if (until === null) {
      await condition(() => wakes !== seen);
      return true;
    }
    const milliseconds = Date.parse(until) - Date.now();
    if (milliseconds <= 0) return wakes !== seen;
    return condition(() => wakes !== seen, milliseconds);
  };

  const record = async (type: string, data: Record<string, unknown> = {}, occurredAt: string = nowIso()) => {
    state.eventSequence += 1;
    await ledger.recordCaseEvent({
      workflowId,
      invoiceId: input.invoiceId,
      type,
      occurredAt,
      source: 'workflow',
      data,
      idempotencyKey: `${workflowId}/event/${state.eventSequence}`,
    });
  };

  /** Writes the actions taken since the last turn (messages received, steps done) to the case history. */
  const flushActions = async () => {
    const actions = state.unrecorded.splice(0, state.unrecorded.length);
    for (const action of actions) await record(action.type, { detail: action.detail ?? null }, action.at);
  };

  const publish = async () => {
    const next = plannedNext;
    upsertSearchAttributes({
      [INVOICE_NUMBER.name]: [input.invoiceNumber],
      [CUSTOMER_ID.name]: [input.customerId],
      [DUNNING_STATUS.name]: [state.status],
      [DUNNING_STAGE.name]: [state.steps.at(-1)?.stepKey ?? 'none'],
      [AMOUNT_DUE.name]: [state.balance?.dueMinor ?? 0],
      [CURRENCY.name]: [input.currency],
      [NEXT_ACTION_AT.name]: next ? [new Date(next.scheduledAt)] : [],
    });
    await ledger.syncCase({
      workflowId,
      invoiceId: input.invoiceId,
      customerId: input.customerId,
      scenarioId: scenario.id,
      scenarioVersion: scenario.version,
      status: state.status,
      stage: state.steps.at(-1)?.stepKey ?? null,
      amountDueMinor: state.balance?.dueMinor ?? null,
      currency: input.currency,
      nextActionAt: next?.scheduledAt ?? null,
    });
  };

  const end = async (terminalState: TerminalState, reason?: string) => {
    state.status = terminalState;
    plannedNext = null;
    await flushActions();
    await ledger.endCase({ workflowId, invoiceId: input.invoiceId, terminalState, balance: state.balance, endedAt: nowIso(), reason });
    // endCase wrote the end event itself: keep it out of the actions still to record.
    state.lastActions.push({ at: nowIso(), type: 'case_ended', detail: terminalState });
    await publish();
    log.info('Dunning case ended', { workflowId, invoiceId: input.invoiceId, customerId: input.customerId, terminalState });
    ended = true;
    await condition(allHandlersFinished);
    return { terminalState };
  };

  const readBalance = async (): Promise<InvoiceBalance> => {
    state.balance = await ledger.readBalance({ invoiceId: input.invoiceId });
    return state.balance;
  };

  /** Sends a step again on its scenario's fallback channel (a letter, usually) after its e-mail failed to reach the customer. */
  const performFallback = async (stepKey: string, balance: InvoiceBalance) => {
    state.fallbacksDue = (state.fallbacksDue ?? []).filter((key) => key !== stepKey);
    state.fallbacksDone = [...(state.fallbacksDone ?? []), stepKey];
    const step = scenario.steps.find((candidate) => candidate.key === stepKey);
    if (!step?.fallbackChannel) return;
    const fallback = { ...step, channel: step.fallbackChannel, fallbackChannel: undefined };
    const outcome = await channels.performStep({
      workflowId,
      invoiceId: input.invoiceId,
      customerId: input.customerId,
      step: fallback,
      scheduledAt: nowIso(),
      actedAt: nowIso(),
      balance,
      idempotencyKey: `${stepActionKey(workflowId, step.key)}/fallback`,
    });
    state.steps.push({ stepKey: step.key, channel: fallback.channel, at: nowIso(), outcome: outcome.outcome, dueMinor: balance.dueMinor, messageId: outcome.messageId });
    rememberAction(state, { at: nowIso(), type: `step_fallback_${outcome.outcome}`, detail: `${step.key} by ${fallback.channel}` });
  };

  /**
   * Allocates the funds the balance counted without an allocation (a payment naming the
   * invoice, cash or a credit note on account), so the ledger shows the invoice as settled
   * as its case does. Cases started before this patch ended without it.
   */
  const allocateCountedFunds = async (balance: InvoiceBalance) => {
    if (balance.unallocatedMinor > 0 && patched('allocate-counted-funds-at-end')) await ledger.allocateOnAccount({ invoiceId: input.invoiceId });
  };

  if (!input.carried) await record('case_started', { scenarioId: scenario.id, scenarioVersion: scenario.version });

  for (;;) {
    turnStart = wakes;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyEventsBeforeContinue ?? HISTORY_EVENTS_BEFORE_CONTINUE)) {
      // Updates still running would lose their result, so wait for them, then carry every piece of state.
      await condition(allHandlersFinished);
      await continueAsNew<typeof dunningCase>({ ...input, scenario, carried: state, pending });
    }

    context = await ledger.loadCaseContext({ invoiceId: input.invoiceId });
    await flushActions();

    if (pending.cancel) return end('cancelled', pending.cancel.reason);
    if (pending.cancelInvoice || context.invoice.cancelled) {
      if (pending.cancelInvoice) await ledger.cancelInvoice({ invoiceId: input.invoiceId, author: pending.cancelInvoice.author });
      return end('cancelled', 'invoice cancelled');
    }

    const balance = await readBalance();
    if (pending.writeOff && balance.dueMinor > 0) {
      await allocateCountedFunds(balance);
      await ledger.applyWriteOff({
        invoiceId: input.invoiceId,
        amountMinor: balance.dueMinor,
        reason: pending.writeOff.reason,
        author: pending.writeOff.author,
        idempotencyKey: `${workflowId}/write-off`,
      });
      await readBalance();
      return end('written_off', pending.writeOff.reason);
    }
    if (balance.dueMinor <= scenario.residualToleranceMinor) {
      await allocateCountedFunds(balance);
      return end(settledState(balance));
    }

    if (state.dispute) {
      state.status = 'disputed';
      plannedNext = null;
      await publish();
      await waitForWakeOr(null);
      continue;
    }

    if (state.pausedIndefinitely || (state.pausedUntil !== null && Date.parse(state.pausedUntil) > Date.now())) {
      state.status = 'paused';
      plannedNext = null;
      await publish();
      await waitForWakeOr(state.pausedIndefinitely ? null : state.pausedUntil);
      continue;
    }
    state.pausedUntil = null;

    if (state.promise) {
      if (Date.parse(state.promise.resumeAt) > Date.now()) {
        state.status = 'promised';
        plannedNext = null;
        await publish();
        await waitForWakeOr(state.promise.resumeAt);
        continue;
      }
      const kept = balance.dueMinor <= state.promise.keptAtOrUnderMinor;
      await record(kept ? 'promise_kept' : 'promise_broken', { promisedDate: state.promise.promisedDate, amountMinor: state.promise.amountMinor, dueMinor: balance.dueMinor });
      const action = { at: nowIso(), type: kept ? 'promise_kept' : 'promise_broken' };
      // Recorded just above with its figures. Cases started before this patch also queued it
      // for recording, which wrote the event twice; they replay that path unchanged.
      if (patched('promise-outcome-recorded-once')) state.lastActions.push(action);
      else rememberAction(state, action);
      state.promise = null;
    }

    const fallbackKey = state.fallbacksDue?.[0];
    if (fallbackKey !== undefined && patched('email-fallback-channel')) {
      await performFallback(fallbackKey, balance);
      continue;
    }

    const plan = planSteps({
      scenario,
      dueDate: context.invoice.dueDate,
      timeZone: context.customer.timeZone,
      caseStartedAt: state.startedAt,
      now: nowIso(),
      doneStepKeys: state.steps.map((step) => step.stepKey),
      skippedStepKeys: state.skippedStepKeys,
      customer: { segment: context.customer.segment ?? undefined, isBusiness: context.customer.isBusiness },
      balanceDueMinor: balance.dueMinor,
      lastCustomerContactAt: state.steps.findLast((step) => step.outcome === 'sent')?.at,
    });
    plannedNext = pending.escalate ? (plan.find((step) => step.status === 'due' || step.status === 'planned') ?? null) : firstOpenStep(plan) ?? null;
    if (!plannedNext) return end('handed_over');

    const step = scenario.steps.find((candidate) => candidate.key === plannedNext?.stepKey);
    if (!step) throw new Error(`planned step ${plannedNext.stepKey} is missing from scenario ${scenario.id}`);

    state.status = 'active';
    await publish();
    if (!pending.escalate && (await waitForWakeOr(plannedNext.scheduledAt))) continue;
    if (!pending.escalate && Date.parse(plannedNext.scheduledAt) > Date.now()) continue;

    // The balance of record may have changed during the wait without a message: re-read it right before acting.
    const fresh = await readBalance();
    if (fresh.dueMinor <= scenario.residualToleranceMinor) continue;

    if (step.requiresConfirmation && !state.confirmedStepKeys.includes(step.key)) {
      state.status = 'awaiting_confirmation';
      await ledger.openTask({
        idempotencyKey: stepActionKey(workflowId, step.key) + '/confirm',
        kind: 'confirm_step',
        workflowId,
        invoiceId: input.invoiceId,
        customerId: input.customerId,
        stepKey: step.key,
        dueAt: nowIso(),
        data: { channel: step.channel },
      });
      await publish();
      await waitForWakeOr(null);
      continue;
    }

    pending.escalate = false;
    let outcome: StepOutcome;
    if (step.channel === 'email' && context.customer.groupReminders) {
      // The customer's mailbox sends one e-mail for every invoice whose step falls in this slot.
      deliveries.delete(step.key);
      await ledger.requestGroupedStep({
        customerId: input.customerId,
        scheduledAt: plannedNext.scheduledAt,
        request: {
          workflowId,
          invoiceId: input.invoiceId,
          stepKey: step.key,
          tone: step.tone,
          claimsPenalties: step.claimsPenalties,
          residualToleranceMinor: scenario.residualToleranceMinor,
          dueDate: context.invoice.dueDate,
        },
      });
      await condition(() => deliveries.has(step.key));
      const delivery = deliveries.get(step.key);
      if (!delivery || delivery.outcome === 'below_tolerance' || delivery.outcome === 'withheld') continue;
      outcome = { outcome: delivery.outcome, messageId: delivery.messageId };
    } else {
      outcome = await channels.performStep({
        workflowId,
        invoiceId: input.invoiceId,
        customerId: input.customerId,
        step,
        scheduledAt: plannedNext.scheduledAt,
        actedAt: nowIso(),
        balance: fresh,
        idempotencyKey: stepActionKey(workflowId, step.key),
      });
    }
    if (outcome.outcome === 'not_deliverable' && step.fallbackChannel && patched('email-fallback-channel')) {
      state.fallbacksDue = [...(state.fallbacksDue ?? []), step.key];
    }
    state.steps.push({ stepKey: step.key, channel: step.channel, scheduledAt: plannedNext.scheduledAt, at: nowIso(), outcome: outcome.outcome, dueMinor: fresh.dueMinor, messageId: outcome.messageId });
    rememberAction(state, { at: nowIso(), type: `step_${outcome.outcome}`, detail: step.key });
    log.info('Dunning step done', { workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: step.key, outcome: outcome.outcome });
  }
}

function settledState(balance: InvoiceBalance): TerminalState {
  if (balance.mainSettlement === 'credit_note') return 'settled_by_credit_note';
  if (balance.mainSettlement === 'write_off') return 'written_off';
  return 'paid';
}

function nowIso(): string {
  return new Date(Date.now()).toISOString();
}
