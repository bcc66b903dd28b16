import type { ClaimLine } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { deliverReminder } from './reminder-delivery.js';
import type { PerformStepInput, StepOutcome } from './types.js';

/** Sends the e-mail of one invoice's dunning step, once, under the step's idempotency key. */
export async function sendEmailStep(deps: ActivityDeps, input: PerformStepInput, claims: ClaimLine[] = []): Promise<StepOutcome> {
  const result = await deliverReminder(deps, {
    customerId: input.customerId,
    idempotencyKey: input.idempotencyKey,
    tone: input.step.tone,
    actedAt: input.actedAt,
    lines: [{ workflowId: input.workflowId, invoiceId: input.invoiceId, stepKey: input.step.key, balance: input.balance, claims }],
  });
  return { outcome: result.outcome, messageId: result.messageId, ...(result.deduplicated ? { detail: 'deduplicated' } : result.detail ? { detail: result.detail } : {}) };
}
