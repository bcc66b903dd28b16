import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { errorResponses, idParamsSchema } from '../schemas.js';
import type { CaseState } from '../../domain/case.js';
import { caseUpdateId, readCase, startCaseForInvoice, updateCase, type CaseUpdateName } from '../services/cases.js';

/** URL segment of each case action and the workflow update it sends. */
const ACTIONS: Record<string, CaseUpdateName> = {
  promise: 'promiseToPay',
  dispute: 'openDispute',
  'resolve-dispute': 'resolveDispute',
  pause: 'pause',
  resume: 'resume',
  skip: 'skipStep',
  escalate: 'escalate',
  confirm: 'confirmStep',
  'mark-step-done': 'markStepDone',
  cancel: 'cancel',
  'write-off': 'writeOff',
};

/** The live state of a running case; its fields are those of CaseState in domain/case.ts. */
const caseStateSchema = z.looseObject({ status: z.string() }) as unknown as z.ZodType<CaseState>;

const caseResponseSchema = z.object({
  case: z.object({
    workflow_id: z.string(),
    invoice_id: z.uuid(),
    customer_id: z.uuid(),
    scenario_id: z.string(),
    scenario_version: z.number().int(),
    status: z.string(),
    stage: z.string().nullable(),
    terminal_state: z.string().nullable(),
    amount_due_minor: z.number().int().nullable(),
    currency: z.string().nullable(),
    next_action_at: z.date().nullable(),
    started_at: z.date(),
    ended_at: z.date().nullable(),
  }),
  state: caseStateSchema.nullable().describe('Live state from the workflow; null once the case has ended or when it does not answer'),
  history: z.array(z.object({ type: z.string(), source: z.string(), occurred_at: z.date(), data: z.unknown() })),
});

export function registerCaseRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.post('/v1/invoices/:id/case', { schema: { summary: "Start an invoice's dunning case", tags: ['cases'], params: idParamsSchema, response: { 201: caseResponseSchema, ...errorResponses } } }, async (request, reply) => {
    await startCaseForInvoice(sql, temporal, request.params.id);
    return reply.code(201).send(await readCase(sql, temporal, request.params.id));
  });

  routes.get('/v1/invoices/:id/case', { schema: { summary: "Read an invoice's case with its live state and history", tags: ['cases'], params: idParamsSchema, response: { 200: caseResponseSchema, ...errorResponses } } }, async (request) => {
    return readCase(sql, temporal, request.params.id);
  });

  routes.post(
    '/v1/invoices/:id/case/:action',
    {
      schema: {
        params: idParamsSchema.extend({ action: z.enum(Object.keys(ACTIONS) as [string, ...string[]]) }),
        body: z.record(z.string(), z.unknown()).default({}),
        summary: 'Apply an action to a running case',
        description: 'Sends the matching workflow update (promise, dispute, pause, write-off…); the body is its input. A case that has ended returns 409.',
        tags: ['cases'],
        response: { 200: z.object({ state: caseStateSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const update = ACTIONS[request.params.action] as CaseUpdateName;
      const input = { author: 'api', source: 'api', ...request.body };
      const state = await updateCase(sql, temporal, request.params.id, update, input, caseUpdateId(request));
      request.log.info({ invoiceId: request.params.id, workflowId: state.workflowId, action: request.params.action, status: state.status }, 'case action applied');
      return { state };
    },
  );
}
