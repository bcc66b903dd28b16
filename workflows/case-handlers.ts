import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  manualStepInputSchema,
  openDisputeInputSchema,
  operatorInputSchema,
  pauseInputSchema,
  promiseToPayInputSchema,
  resolveDisputeInputSchema,
  stepInputSchema,
  writeOffInputSchema,
  migrateScenarioInputSchema,
  type CaseState,
} from '../domain/case.js';
import { addDays, localDateOf, zonedTimeToInstant } from '../domain/dates.js';
import type { Scenario } from '../domain/scenario.js';
import { rememberAction, type CarriedState, type PendingRequests } from './case-state.js';
import * as messages from './messages.js';

export interface HandlerContext {
  /** The scenario the case follows now: the pinned version, or the one an explicit migration set. */
  scenario: () => Scenario;
  migrateScenario: (scenario: Scenario) => void;
  state: CarriedState;
  pending: PendingRequests;
  timeZone: () => string;
  /** Wakes the main loop so that it re-reads the balance and re-plans. */
  wake: () => void;
  /** Resolves once the main loop has acted on every wake so far, so an update returns the state that follows from it. */
  settled: () => Promise<void>;
  snapshot: () => CaseState;
  isEnded: () => boolean;
}

function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'InvalidCaseInput');
}

function parseOrReject<T>(schema: { safeParse: (value: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  invalid(`${issue?.path.map(String).join('.') || 'input'}: ${issue?.message ?? 'invalid value'}`);
}

function rejectWhenEnded(context: HandlerContext): void {
  if (context.isEnded()) invalid(`the case has ended as ${context.state.status}: nothing more can change it`);
}

/** Registers every signal and update a dunning case accepts. */
export function registerHandlers(context: HandlerContext): void {
  const { state, pending } = context;
  const scenario = () => context.scenario();
  const now = () => new Date(Date.now()).toISOString();

  setHandler(messages.caseStateQuery, () => context.snapshot());

  setHandler(messages.balanceChangedSignal, (input) => {
    rememberAction(state, { at: now(), type: 'balance_changed', detail: input.kind });
    context.wake();
  });

  setHandler(messages.contactChangedSignal, () => {
    rememberAction(state, { at: now(), type: 'contact_changed' });
    context.wake();
  });

  setHandler(messages.emailBouncedSignal, (input) => {
    rememberAction(state, { at: now(), type: `email_${input.kind}`, detail: input.stepKey });
    const step = scenario().steps.find((candidate) => candidate.key === input.stepKey);
    if (step?.fallbackChannel && !(state.fallbacksDone ?? []).includes(step.key) && !(state.fallbacksDue ?? []).includes(step.key)) {
      state.fallbacksDue = [...(state.fallbacksDue ?? []), step.key];
    }
    context.wake();
  });

  setHandler(messages.taskCompletedSignal, (input) => {
    rememberAction(state, { at: now(), type: 'task_completed', detail: `${input.kind}:${input.outcome}` });
    context.wake();
  });

  setHandler(
    messages.promiseToPayUpdate,
    async (raw) => {
      const input = parseOrReject(promiseToPayInputSchema, raw);
      const due = state.balance?.dueMinor;

      state.promise = {
        promisedDate: input.promisedDate,
        amountMinor: input.amountMinor,
        resumeAt: zonedTimeToInstant(
          addDays(input.promisedDate, scenario().promise.graceDays),
          scenario().calendar.sendWindow.start,
          context.timeZone(),
        ).toISOString(),
        keptAtOrUnderMinor: Math.max(0, (due ?? input.amountMinor) - input.amountMinor),
        madeAt: now(),
      };
      state.dispute = null;
      rememberAction(state, { at: now(), type: 'promise_made', detail: `${input.promisedDate} ${input.amountMinor} (${input.source})` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        const input = parseOrReject(promiseToPayInputSchema, raw);
        const today = localDateOf(new Date(Date.now()), context.timeZone());
        const latest = addDays(today, scenario().promise.maxHorizonDays);
        if (input.promisedDate <= today) invalid(`promisedDate ${input.promisedDate} must be after today (${today})`);
        if (input.promisedDate > latest) {
          invalid(`promisedDate ${input.promisedDate} is beyond the ${scenario().promise.maxHorizonDays}-day horizon: choose ${latest} or earlier`);
        }
        const due = state.balance?.dueMinor;
        if (due !== undefined && input.amountMinor > due) {
          invalid(`amountMinor ${input.amountMinor} is more than the balance due (${due}): promise at most the balance`);
        }
      },
    },
  );

  setHandler(
    messages.openDisputeUpdate,
    async (raw) => {
      const input = parseOrReject(openDisputeInputSchema, raw);
      state.dispute = { reason: input.reason, comment: input.comment, openedAt: now() };
      rememberAction(state, { at: now(), type: 'dispute_opened', detail: `${input.reason} (${input.source})` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        parseOrReject(openDisputeInputSchema, raw);
        if (state.dispute) invalid(`a dispute (${state.dispute.reason}) is already open since ${state.dispute.openedAt}`);
      },
    },
  );

  setHandler(
    messages.resolveDisputeUpdate,
    async (raw) => {
      const input = parseOrReject(resolveDisputeInputSchema, raw);
      state.dispute = null;
      if (input.outcome === 'accepted_with_cancellation') pending.cancelInvoice = { author: input.author, reason: input.note };
      rememberAction(state, { at: now(), type: 'dispute_resolved', detail: `${input.outcome} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        parseOrReject(resolveDisputeInputSchema, raw);
        if (!state.dispute) invalid('no dispute is open on this case');
      },
    },
  );

  setHandler(
    messages.pauseUpdate,
    async (raw) => {
      const input = parseOrReject(pauseInputSchema, raw);
      state.pausedUntil = input.until ?? null;
      state.pausedIndefinitely = input.until === undefined;
      rememberAction(state, { at: now(), type: 'paused', detail: `${input.until ?? 'until resumed'} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        const input = parseOrReject(pauseInputSchema, raw);
        if (input.until !== undefined && Date.parse(input.until) <= Date.now()) {
          invalid(`until ${input.until} is in the past: give a future instant, or none to pause until resumed`);
        }
      },
    },
  );

  setHandler(
    messages.resumeUpdate,
    async (raw) => {
      const input = parseOrReject(operatorInputSchema, raw);
      state.pausedUntil = null;
      state.pausedIndefinitely = false;
      rememberAction(state, { at: now(), type: 'resumed', detail: `by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    { validator: (raw) => (rejectWhenEnded(context), void parseOrReject(operatorInputSchema, raw)) },
  );

  setHandler(
    messages.skipStepUpdate,
    async (raw) => {
      const input = parseOrReject(stepInputSchema, raw);
      const stepKey = input.stepKey ?? context.snapshot().nextStep?.stepKey;
      if (stepKey) state.skippedStepKeys.push(stepKey);
      rememberAction(state, { at: now(), type: 'step_skipped', detail: `${stepKey ?? 'none'} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        const input = parseOrReject(stepInputSchema, raw);
        const known = scenario().steps.map((step) => step.key);
        if (input.stepKey !== undefined && !known.includes(input.stepKey)) {
          invalid(`stepKey "${input.stepKey}" is not a step of scenario ${scenario().id}: use one of ${known.join(', ')}`);
        }
        if (input.stepKey === undefined && !context.snapshot().nextStep) invalid('no step is left to skip');
      },
    },
  );

  setHandler(
    messages.escalateUpdate,
    async (raw) => {
      const input = parseOrReject(operatorInputSchema, raw);
      pending.escalate = true;
      rememberAction(state, { at: now(), type: 'escalated', detail: `by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    { validator: (raw) => (rejectWhenEnded(context), void parseOrReject(operatorInputSchema, raw)) },
  );

  setHandler(
    messages.confirmStepUpdate,
    async (raw) => {
      const input = parseOrReject(stepInputSchema, raw);
      const stepKey = input.stepKey ?? context.snapshot().nextStep?.stepKey;
      if (stepKey) state.confirmedStepKeys.push(stepKey);
      rememberAction(state, { at: now(), type: 'step_confirmed', detail: `${stepKey ?? 'none'} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    { validator: (raw) => (rejectWhenEnded(context), void parseOrReject(stepInputSchema, raw)) },
  );

  setHandler(
    messages.markStepDoneUpdate,
    async (raw) => {
      const input = parseOrReject(manualStepInputSchema, raw);
      state.steps.push({ stepKey: input.stepKey, channel: input.channel, at: now(), outcome: 'done_manually' });
      rememberAction(state, { at: now(), type: 'step_done_manually', detail: `${input.stepKey} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        const input = parseOrReject(manualStepInputSchema, raw);
        if (!scenario().steps.some((step) => step.key === input.stepKey)) invalid(`stepKey "${input.stepKey}" is not a step of scenario ${scenario().id}`);
        if (state.steps.some((step) => step.stepKey === input.stepKey)) invalid(`step "${input.stepKey}" is already done`);
      },
    },
  );

  setHandler(
    messages.cancelUpdate,
    async (raw) => {
      const input = parseOrReject(operatorInputSchema, raw);
      pending.cancel = { author: input.author, reason: input.reason };
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    { validator: (raw) => (rejectWhenEnded(context), void parseOrReject(operatorInputSchema, raw)) },
  );

  setHandler(
    messages.writeOffUpdate,
    async (raw) => {
      const input = parseOrReject(writeOffInputSchema, raw);
      pending.writeOff = { author: input.author, reason: input.reason };
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    { validator: (raw) => (rejectWhenEnded(context), void parseOrReject(writeOffInputSchema, raw)) },
  );

  setHandler(
    messages.migrateScenarioUpdate,
    async (raw) => {
      const input = parseOrReject(migrateScenarioInputSchema, raw);
      const from = scenario().version;
      context.migrateScenario(input.scenario);
      rememberAction(state, { at: now(), type: 'scenario_migrated', detail: `${input.scenario.id} v${from} to v${input.scenario.version} by ${input.author}` });
      context.wake();
      await context.settled();
      return context.snapshot();
    },
    {
      validator: (raw) => {
        rejectWhenEnded(context);
        const input = parseOrReject(migrateScenarioInputSchema, raw);
        if (input.scenario.id !== scenario().id) invalid(`scenario ${input.scenario.id} is not this case's scenario (${scenario().id}): migrate cases to a version of their own scenario`);
        if (input.scenario.version <= scenario().version) {
          invalid(`version ${input.scenario.version} is not newer than the case's version ${scenario().version}`);
        }
      },
    },
  );
}
