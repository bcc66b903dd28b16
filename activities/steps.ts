import { claimLatePaymentAmounts } from './claims.js';
import { insertTask } from './case-records.js';
import type { ActivityDeps } from './deps.js';
import { sendEmailStep } from './email-step.js';
import { performLetterStep } from './letter-step.js';
import type { PerformStepInput, StepOutcome } from './types.js';

const TASK_KIND = {
  phone: 'call',
  visit: 'visit',
  legal_handoff: 'legal_handoff',
} as const;

/**
 * Performs one dunning step on its channel: an e-mail goes out, a letter enters the print
 * queue, and a call, visit or legal hand-off opens a task for a person. A call or visit
 * joins the group of the customer's open call or visit, so a collector acts once per
 * customer. A step that claims penalties records them first, so the message can show them.
 */
export async function performDunningStep(deps: ActivityDeps, input: PerformStepInput): Promise<StepOutcome> {
  const claims = input.step.claimsPenalties
    ? await claimLatePaymentAmounts(deps.sql, { invoiceId: input.invoiceId, stepKey: input.step.key, actedAt: input.actedAt, rateTable: deps.rateTable })
    : [];
  if (input.step.channel === 'email') return sendEmailStep(deps, input, claims);
  if (input.step.channel === 'letter' || input.step.channel === 'registered_letter') return performLetterStep(deps, input);

  const kind = TASK_KIND[input.step.channel];
  const { taskId, groupId } = await insertTask(deps.sql, {
    idempotencyKey: input.idempotencyKey,
    kind,
    workflowId: input.workflowId,
    invoiceId: input.invoiceId,
    customerId: input.customerId,
    stepKey: input.step.key,
    dueAt: input.actedAt,
    data: { channel: input.step.channel, templateKey: input.step.templateKey, dueMinor: input.balance.dueMinor, currency: input.balance.currency },
  });
  deps.logger.info({ workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key, taskId, groupId }, 'task opened for a dunning step');
  return { outcome: 'task_opened', taskId };
}
