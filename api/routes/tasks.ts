import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDateSchema } from '../../domain/dates.js';
import type { AppDeps } from '../app.js';
import { idParamsSchema } from '../schemas.js';
import { completeTask, taskCompletionSchema } from '../services/task-completion.js';
import { listAgenda, readTaskDetail } from '../services/tasks.js';

const TASK_KINDS = ['call', 'letter', 'visit', 'dispute', 'check_payment', 'confirm_step', 'not_deliverable', 'legal_handoff'] as const;

const agendaQuerySchema = z.object({
  kind: z.enum(TASK_KINDS).optional(),
  assignee: z.string().trim().min(1).max(200).optional(),
  customerId: z.uuid().optional(),
  /** The agenda's day, YYYY-MM-DD; each customer's today when omitted. */
  date: calendarDateSchema.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Registers the collector's agenda of calls, visits and other tasks, and the recording of their outcomes. */
export function registerTaskRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal, env } = deps;

  routes.get('/v1/tasks', { schema: { querystring: agendaQuerySchema, tags: ['tasks'] } }, async (request) => listAgenda(sql, request.query));

  routes.get('/v1/tasks/:id', { schema: { params: idParamsSchema, tags: ['tasks'] } }, async (request) => readTaskDetail(sql, request.params.id, env.COMPANY_NAME));

  routes.post('/v1/tasks/:id/complete', { schema: { params: idParamsSchema, body: taskCompletionSchema, tags: ['tasks'] } }, async (request) => {
    const result = await completeTask(sql, temporal, request.params.id, request.body);
    request.log.info(
      { taskId: result.task.id, kind: result.task.kind, invoiceId: result.task.invoiceId, workflowId: result.task.workflowId, outcome: result.completion.outcome },
      'task completed',
    );
    return result;
  });
}
