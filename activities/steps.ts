import { recordCarbonLine } from './carbon.js';
import { insertTask } from './case-records.js';
import type { ActivityDeps } from './deps.js';
import { sendEmailStep } from './email-step.js';
import type { PerformStepInput, StepOutcome } from './types.js';

const TASK_KIND = {
  phone: 'call',
  letter: 'letter',
  registered_letter: 'letter',
  visit: 'visit',
  legal_handoff: 'legal_handoff',
} as const;

/** Performs one dunning step on its channel: an e-mail goes out, the other channels open a task for a person. */
export async function performDunningStep(deps: ActivityDeps, input: PerformStepInput): Promise<StepOutcome> {
  if (input.step.channel === 'email') return sendEmailStep(deps, input);

  // TODO: letters are queued as tasks; rendering the PDF into a print queue comes with the postal provider.
  const kind = TASK_KIND[input.step.channel];
  const { taskId } = await insertTask(deps.sql, {
    idempotencyKey: input.idempotencyKey,
    kind,
    workflowId: input.workflowId,
    invoiceId: input.invoiceId,
    customerId: input.customerId,
    stepKey: input.step.key,
    dueAt: input.actedAt,
    data: { channel: input.step.channel, templateKey: input.step.templateKey, dueMinor: input.balance.dueMinor, currency: input.balance.currency },
  });
  if (input.step.channel === 'letter' || input.step.channel === 'registered_letter') {
    await recordCarbonLine(deps.sql, {
      idempotencyKey: input.idempotencyKey,
      workflowId: input.workflowId,
      customerId: input.customerId,
      messageId: null,
      channel: input.step.channel,
      measure: { sheets: 2 },
    });
  }
  deps.logger.info({ workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key, taskId }, 'task opened for a dunning step');
  return { outcome: 'task_opened', taskId };
}
