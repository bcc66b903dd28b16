import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { Sql } from '../../db/client.js';
import type { AppDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { errorResponses, idParamsSchema, invoiceSchema, invoiceStatusSchema, pageSchema } from '../schemas.js';
import { caseUpdateId, updateCase } from '../services/cases.js';
import { pageQuerySchema, readPage, sortSchema, type Fragment } from '../services/lists.js';

type Invoice = z.infer<typeof invoiceSchema>;

const amountFilter = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const daysFilter = z.coerce.number().int().min(0).max(36_500);

const invoiceListQuerySchema = pageQuerySchema.extend({
  status: invoiceStatusSchema.optional(),
  kind: z.enum(['invoice', 'credit_note']).optional(),
  customerId: z.uuid().optional(),
  customerRef: z.string().trim().min(1).max(100).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  minAmountDue: amountFilter.optional().describe('Minimum amount due, in minor units'),
  maxAmountDue: amountFilter.optional().describe('Maximum amount due, in minor units'),
  minDaysOverdue: daysFilter.optional(),
  maxDaysOverdue: daysFilter.optional(),
  sort: sortSchema(['dueDate', 'issueDate', 'amountDue', 'total', 'number', 'daysOverdue', 'createdAt'], 'dueDate'),
});

/** Invoices and credit notes with their balance, as the base of lists and reads. */
export function invoicesBase(sql: Sql): Fragment {
  return sql`
    select b.id, b.customer_id as "customerId", c.external_ref as "customerRef", b.kind, b.number, b.currency,
      b.total_minor as "totalMinor", b.due_minor as "amountDueMinor", b.paid_minor as "paidMinor",
      b.credited_minor as "creditedMinor", b.written_off_minor as "writtenOffMinor", b.status,
      to_char(b.issue_date, 'YYYY-MM-DD') as "issueDate", to_char(b.due_date, 'YYYY-MM-DD') as "dueDate",
      case when b.status = 'open' and b.kind = 'invoice'
        then greatest(0, (now() at time zone c.time_zone)::date - b.due_date) else 0 end as "daysOverdue",
      k.status as "caseStatus", b.created_at as "createdAt"
    from document_balances b
    join customers c on c.id = b.customer_id
    left join cases k on k.invoice_id = b.id`;
}

export async function readInvoice(sql: Sql, id: string): Promise<Invoice> {
  const [invoice] = await sql<Invoice[]>`select * from (${invoicesBase(sql)}) as base where base.id = ${id}`;
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

const writeOffBodySchema = z.object({
  reason: z.string().trim().min(3).max(2000).describe('Why the amount is abandoned, kept in the ledger'),
  author: z.string().trim().min(1).max(200).optional(),
});

export function registerInvoiceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.get(
    '/v1/invoices',
    {
      schema: {
        summary: 'List invoices and credit notes',
        tags: ['invoices'],
        querystring: invoiceListQuerySchema,
        response: { 200: pageSchema(invoiceSchema), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const where: Fragment[] = [];
      if (query.status) where.push(sql`base.status = ${query.status}`);
      if (query.kind) where.push(sql`base.kind = ${query.kind}`);
      if (query.customerId) where.push(sql`base."customerId" = ${query.customerId}`);
      if (query.customerRef) where.push(sql`base."customerRef" = ${query.customerRef}`);
      if (query.currency) where.push(sql`base.currency = ${query.currency}`);
      if (query.minAmountDue !== undefined) where.push(sql`base."amountDueMinor" >= ${query.minAmountDue}`);
      if (query.maxAmountDue !== undefined) where.push(sql`base."amountDueMinor" <= ${query.maxAmountDue}`);
      if (query.minDaysOverdue !== undefined) where.push(sql`base."daysOverdue" >= ${query.minDaysOverdue}`);
      if (query.maxDaysOverdue !== undefined) where.push(sql`base."daysOverdue" <= ${query.maxDaysOverdue}`);

      return readPage<Invoice>(sql, {
        base: invoicesBase(sql),
        where,
        sort: query.sort,
        columns: {
          dueDate: { expression: sql`base."dueDate"`, type: 'text' },
          issueDate: { expression: sql`base."issueDate"`, type: 'text' },
          amountDue: { expression: sql`base."amountDueMinor"`, type: 'bigint' },
          total: { expression: sql`base."totalMinor"`, type: 'bigint' },
          number: { expression: sql`base.number`, type: 'text' },
          daysOverdue: { expression: sql`base."daysOverdue"`, type: 'integer' },
          createdAt: { expression: sql`base."createdAt"`, type: 'timestamptz' },
        },
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  routes.get(
    '/v1/invoices/:id',
    {
      schema: {
        summary: 'Read an invoice or credit note with its balance',
        tags: ['invoices'],
        params: idParamsSchema,
        response: { 200: z.object({ invoice: invoiceSchema }), ...errorResponses },
      },
    },
    async (request) => ({ invoice: await readInvoice(sql, request.params.id) }),
  );

  routes.post(
    '/v1/invoices/:id/write-off',
    {
      schema: {
        summary: 'Write off the amount still due',
        description: 'Sends the writeOff update to the running case, which allocates the funds on account it counted, records the write-off of the rest and ends; without a running case, records the write-off directly. An Idempotency-Key makes a repeat after a 503 reach the case once.',
        tags: ['invoices'],
        params: idParamsSchema,
        body: writeOffBodySchema,
        response: { 200: z.object({ invoice: invoiceSchema, via: z.enum(['case', 'ledger']) }), ...errorResponses },
      },
    },
    async (request) => {
      const invoiceId = request.params.id;
      const before = await readInvoice(sql, invoiceId);
      if (before.kind !== 'invoice') throw new ApiError('validation_failed', `document ${before.number} is a credit note: only invoices can be written off`);
      const author = request.body.author ?? `api:${request.apiKey?.name ?? 'anonymous'}`;

      const [running] = await sql<{ workflow_id: string }[]>`select workflow_id from cases where invoice_id = ${invoiceId} and terminal_state is null`;
      if (running) {
        const state = await updateCase(sql, temporal, invoiceId, 'writeOff', { author, reason: request.body.reason }, caseUpdateId(request));
        request.log.info({ invoiceId, workflowId: running.workflow_id, status: state.status }, 'write-off sent to the case');
        if (state.status === 'written_off') return { invoice: await readInvoice(sql, invoiceId), via: 'case' as const };
        // The case ended otherwise (settled, cancelled) before it acted on the write-off: the ledger decides what is left.
      }

      const current = running ? await readInvoice(sql, invoiceId) : before;
      if (current.amountDueMinor === 0) {
        throw new ApiError('conflict', `invoice ${current.number} has nothing due (status ${current.status}): there is nothing to write off`);
      }
      await sql`
        insert into write_offs (invoice_id, amount_minor, reason, author, idempotency_key)
        values (${invoiceId}, ${current.amountDueMinor}, ${request.body.reason}, ${author}, ${`api/${invoiceId}/write-off`})
        on conflict (idempotency_key) do nothing`;
      request.log.info({ invoiceId, amountMinor: current.amountDueMinor }, 'invoice written off without a case');
      return { invoice: await readInvoice(sql, invoiceId), via: 'ledger' as const };
    },
  );
}
