import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { Sql } from '../../db/client.js';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { caseSummarySchema, errorResponses, idParamsSchema, pageSchema } from '../schemas.js';
import { startCaseForInvoice } from '../services/cases.js';
import { allOf, pageQuerySchema, readPage, sortSchema, type Fragment } from '../services/lists.js';

type CaseSummary = z.infer<typeof caseSummarySchema>;

const amountFilter = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const daysFilter = z.coerce.number().int().min(0).max(36_500);

const caseListQuerySchema = pageQuerySchema.extend({
  status: z.string().trim().min(1).max(40).optional().describe('active, paused, disputed, promised, or a terminal state such as paid'),
  stage: z.string().trim().min(1).max(100).optional(),
  customerId: z.uuid().optional(),
  customerRef: z.string().trim().min(1).max(100).optional(),
  minAmountDue: amountFilter.optional(),
  maxAmountDue: amountFilter.optional(),
  minDaysOverdue: daysFilter.optional(),
  maxDaysOverdue: daysFilter.optional(),
  nextActionBefore: z.iso.datetime({ offset: true }).optional().describe('Cases whose next action is due before this instant'),
  nextActionAfter: z.iso.datetime({ offset: true }).optional(),
  sort: sortSchema(['nextActionAt', 'amountDue', 'daysOverdue', 'startedAt'], 'nextActionAt'),
});

function casesBase(sql: Sql): Fragment {
  return sql`
    select k.invoice_id as id, k.workflow_id as "workflowId", k.invoice_id as "invoiceId", i.number as "invoiceNumber",
      k.customer_id as "customerId", c.external_ref as "customerRef", k.scenario_id as "scenarioId",
      k.scenario_version as "scenarioVersion", k.status, k.stage, k.terminal_state as "terminalState",
      k.amount_due_minor as "amountDueMinor", k.currency, to_char(i.due_date, 'YYYY-MM-DD') as "dueDate",
      case when k.terminal_state is null then greatest(0, (now() at time zone c.time_zone)::date - i.due_date) else 0 end as "daysOverdue",
      k.next_action_at as "nextActionAt", k.started_at as "startedAt", k.ended_at as "endedAt"
    from cases k
    join invoices i on i.id = k.invoice_id
    join customers c on c.id = k.customer_id`;
}

const bulkStartBodySchema = z.object({
  filter: z
    .object({
      customerId: z.uuid().optional(),
      customerRef: z.string().trim().min(1).max(100).optional(),
      currency: z.string().regex(/^[A-Z]{3}$/).optional(),
      minAmountDue: z.number().int().min(0).optional(),
      minDaysOverdue: z.number().int().min(0).max(36_500).optional(),
      maxDaysOverdue: z.number().int().min(0).max(36_500).optional(),
    })
    .default({}),
  limit: z.number().int().min(1).max(1000).default(1000).describe('Cases started at most by this call; call again for the rest'),
});

export function registerCaseListRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.get(
    '/v1/cases',
    { schema: { summary: 'List dunning cases', tags: ['cases'], querystring: caseListQuerySchema, response: { 200: pageSchema(caseSummarySchema), ...errorResponses } } },
    async (request) => {
      const query = request.query;
      const where: Fragment[] = [];
      if (query.status) where.push(sql`base.status = ${query.status}`);
      if (query.stage) where.push(sql`base.stage = ${query.stage}`);
      if (query.customerId) where.push(sql`base."customerId" = ${query.customerId}`);
      if (query.customerRef) where.push(sql`base."customerRef" = ${query.customerRef}`);
      if (query.minAmountDue !== undefined) where.push(sql`base."amountDueMinor" >= ${query.minAmountDue}`);
      if (query.maxAmountDue !== undefined) where.push(sql`base."amountDueMinor" <= ${query.maxAmountDue}`);
      if (query.minDaysOverdue !== undefined) where.push(sql`base."daysOverdue" >= ${query.minDaysOverdue}`);
      if (query.maxDaysOverdue !== undefined) where.push(sql`base."daysOverdue" <= ${query.maxDaysOverdue}`);
      if (query.nextActionBefore) where.push(sql`base."nextActionAt" < ${query.nextActionBefore}::timestamptz`);
      if (query.nextActionAfter) where.push(sql`base."nextActionAt" > ${query.nextActionAfter}::timestamptz`);

      return readPage<CaseSummary & { id: string }>(sql, {
        base: casesBase(sql),
        where,
        sort: query.sort,
        columns: {
          nextActionAt: { expression: sql`coalesce(base."nextActionAt", 'infinity'::timestamptz)`, type: 'timestamptz' },
          amountDue: { expression: sql`coalesce(base."amountDueMinor", -1)`, type: 'bigint' },
          daysOverdue: { expression: sql`base."daysOverdue"`, type: 'integer' },
          startedAt: { expression: sql`base."startedAt"`, type: 'timestamptz' },
        },
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  routes.get(
    '/v1/cases/:id',
    {
      schema: {
        summary: 'Read the case summary of an invoice',
        description: 'The id is the invoice id. GET /v1/invoices/{id}/case adds the live state and history.',
        tags: ['cases'],
        params: idParamsSchema,
        response: { 200: z.object({ case: caseSummarySchema }), ...errorResponses },
      },
    },
    async (request) => {
      const [found] = await sql<CaseSummary[]>`select * from (${casesBase(sql)}) as base where base.id = ${request.params.id}`;
      if (!found) throw notFound('case of invoice', request.params.id);
      return { case: found };
    },
  );

  routes.post(
    '/v1/cases/bulk-start',
    {
      schema: {
        summary: 'Start the cases of open invoices matching a filter',
        description: 'Starts a case for each open invoice without one, oldest due date first. A repeated call starts only the invoices still without a case.',
        tags: ['cases'],
        body: bulkStartBodySchema,
        response: {
          200: z.object({
            started: z.array(z.object({ invoiceId: z.uuid(), workflowId: z.string() })),
            failed: z.array(z.object({ invoiceId: z.uuid(), reason: z.string() })),
            remaining: z.number().int().describe('Matching invoices still without a case after this call'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { filter, limit } = request.body;
      const where: Fragment[] = [sql`b.kind = 'invoice'`, sql`b.status = 'open'`, sql`k.workflow_id is null`];
      if (filter.customerId) where.push(sql`b.customer_id = ${filter.customerId}`);
      if (filter.customerRef) where.push(sql`c.external_ref = ${filter.customerRef}`);
      if (filter.currency) where.push(sql`b.currency = ${filter.currency}`);
      if (filter.minAmountDue !== undefined) where.push(sql`b.due_minor >= ${filter.minAmountDue}`);
      const overdue = sql`(now() at time zone c.time_zone)::date - b.due_date`;
      if (filter.minDaysOverdue !== undefined) where.push(sql`${overdue} >= ${filter.minDaysOverdue}`);
      if (filter.maxDaysOverdue !== undefined) where.push(sql`${overdue} <= ${filter.maxDaysOverdue}`);

      const matching = await sql<{ id: string }[]>`
        select b.id from document_balances b
        join customers c on c.id = b.customer_id
        left join cases k on k.invoice_id = b.id
        where ${allOf(sql, where)}
        order by b.due_date, b.id`;

      const started: Array<{ invoiceId: string; workflowId: string }> = [];
      const failed: Array<{ invoiceId: string; reason: string }> = [];
      for (const { id } of matching.slice(0, limit)) {
        try {
          const { workflowId } = await startCaseForInvoice(sql, temporal, id);
          started.push({ invoiceId: id, workflowId });
        } catch (error) {
          request.log.warn({ invoiceId: id, error: (error as Error).message }, 'bulk start could not start a case');
          failed.push({ invoiceId: id, reason: (error as Error).message });
        }
      }
      request.log.info({ started: started.length, failed: failed.length }, 'bulk start done');
      return { started, failed, remaining: Math.max(0, matching.length - limit) };
    },
  );
}
