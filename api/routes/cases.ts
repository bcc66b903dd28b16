import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { idParamsSchema } from '../schemas.js';
import { readCase, startCaseForInvoice, updateCase, type CaseUpdateName } from '../services/cases.js';

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

export function registerCaseRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.post('/v1/invoices/:id/case', { schema: { params: idParamsSchema, tags: ['cases'] } }, async (request, reply) => {
    await startCaseForInvoice(sql, temporal, request.params.id);
    return reply.code(201).send(await readCase(sql, temporal, request.params.id));
  });

  routes.get('/v1/invoices/:id/case', { schema: { params: idParamsSchema, tags: ['cases'] } }, async (request) => {
    return readCase(sql, temporal, request.params.id);
  });

  routes.post(
    '/v1/invoices/:id/case/:action',
    {
      schema: {
        params: idParamsSchema.extend({ action: z.enum(Object.keys(ACTIONS) as [string, ...string[]]) }),
        body: z.record(z.string(), z.unknown()).default({}),
        tags: ['cases'],
      },
    },
    async (request) => {
      const update = ACTIONS[request.params.action] as CaseUpdateName;
      const input = { author: 'api', source: 'api', ...request.body };
      const state = await updateCase(sql, temporal, request.params.id, update, input);
      request.log.info({ invoiceId: request.params.id, workflowId: state.workflowId, action: request.params.action, status: state.status }, 'case action applied');
      return { state };
    },
  );
}
