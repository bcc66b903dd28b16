import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { Sql } from '../../db/client.js';
import type { AppDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { allocationSchema, errorResponses, idParamsSchema, pageSchema, paymentSchema } from '../schemas.js';
import { notifyBalanceChanged } from '../services/ledger.js';
import { pageQuerySchema, readPage, sortSchema, type Fragment } from '../services/lists.js';

type Payment = z.infer<typeof paymentSchema>;
type Allocation = z.infer<typeof allocationSchema>;

const paymentListQuerySchema = pageQuerySchema.extend({
  customerId: z.uuid().optional(),
  customerRef: z.string().trim().min(1).max(100).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  unallocated: z.enum(['true', 'false']).optional().describe('true: only payments with on-account cash left; false: only fully allocated ones'),
  receivedFrom: z.iso.date().optional(),
  receivedTo: z.iso.date().optional(),
  sort: sortSchema(['receivedOn', 'amount', 'createdAt'], '-receivedOn'),
});

const allocationBodySchema = z.object({
  allocations: z.array(z.object({ invoiceId: z.uuid(), amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) })).min(1).max(100),
});

function paymentsBase(sql: Sql): Fragment {
  return sql`
    select p.id, p.customer_ref as "customerRef", coalesce(p.customer_id, c.id) as "customerId", p.reference,
      p.amount_minor as "amountMinor", coalesce(a.allocated, 0)::bigint as "allocatedMinor",
      (p.amount_minor - coalesce(a.allocated, 0))::bigint as "unallocatedMinor", p.currency,
      to_char(p.received_on, 'YYYY-MM-DD') as "receivedOn", p.invoice_number as "invoiceNumber",
      p.reversed_at as "reversedAt", p.created_at as "createdAt"
    from payments p
    left join customers c on c.external_ref = p.customer_ref
    left join lateral (select sum(amount_minor) as allocated from allocations where payment_id = p.id) a on true`;
}

async function readPayment(sql: Sql, id: string): Promise<{ payment: Payment; allocations: Allocation[] }> {
  const [payment] = await sql<Payment[]>`select * from (${paymentsBase(sql)}) as base where base.id = ${id}`;
  if (!payment) throw notFound('payment', id);
  const allocations = await sql<Allocation[]>`
    select a.id, a.invoice_id as "invoiceId", i.number as "invoiceNumber", a.amount_minor as "amountMinor", a.created_at as "createdAt"
    from allocations a join invoices i on i.id = a.invoice_id where a.payment_id = ${id} order by a.created_at, a.id`;
  return { payment, allocations };
}

/** Allocates on-account cash of a payment to invoices of its customer, checking both amounts under a row lock. */
async function allocatePayment(sql: Sql, paymentId: string, requested: z.infer<typeof allocationBodySchema>['allocations']): Promise<string[]> {
  return sql.begin(async (transaction) => {
    const [payment] = await transaction<{ id: string; customer_ref: string; currency: string; amount_minor: number; invoice_number: string | null; reversed_at: Date | null }[]>`
      select id, customer_ref, currency, amount_minor, invoice_number, reversed_at from payments where id = ${paymentId} for update`;
    if (!payment) throw notFound('payment', paymentId);
    if (payment.reversed_at) throw new ApiError('conflict', `payment ${paymentId} was reversed: a reversed payment cannot be allocated`);

    const [customer] = await transaction<{ id: string }[]>`select id from customers where external_ref = ${payment.customer_ref}`;
    if (!customer) throw new ApiError('conflict', `customer "${payment.customer_ref}" of payment ${paymentId} is not known yet: create it with POST /v1/customers first`);

    const [allocated] = await transaction<{ sum: number }[]>`select coalesce(sum(amount_minor), 0)::bigint as sum from allocations where payment_id = ${paymentId}`;
    const unallocated = payment.amount_minor - (allocated?.sum ?? 0);
    const total = requested.reduce((sum, allocation) => sum + allocation.amountMinor, 0);
    if (total > unallocated) {
      throw new ApiError('validation_failed', `the allocations add up to ${total} but payment ${paymentId} has ${unallocated} ${payment.currency} unallocated: lower the amounts`, {
        errors: [{ path: 'body.allocations', message: 'exceeds the unallocated amount' }],
      });
    }

    const invoiceIds: string[] = [];
    for (const [index, allocation] of requested.entries()) {
      const [invoice] = await transaction<{ id: string; customer_id: string; kind: string; number: string; currency: string; due_minor: number; status: string }[]>`
        select id, customer_id, kind, number, currency, due_minor, status from document_balances where id = ${allocation.invoiceId}`;
      const path = `body.allocations.${index}`;
      if (!invoice) throw new ApiError('validation_failed', `invoice ${allocation.invoiceId} not found`, { errors: [{ path, message: 'unknown invoice' }] });
      if (invoice.kind !== 'invoice' || invoice.customer_id !== customer.id || invoice.currency !== payment.currency) {
        throw new ApiError('validation_failed', `document ${invoice.number} is not an invoice of customer ${payment.customer_ref} in ${payment.currency}: allocate a payment only to its customer's invoices in its currency`, {
          errors: [{ path, message: 'other customer, currency or a credit note' }],
        });
      }
      // This payment's own unallocated amount already counts against the invoice it names.
      const ownHint = payment.invoice_number === invoice.number ? unallocated : 0;
      if (allocation.amountMinor > invoice.due_minor + ownHint) {
        throw new ApiError('validation_failed', `invoice ${invoice.number} has ${invoice.due_minor} ${invoice.currency} due, less than ${allocation.amountMinor}: lower the amount`, {
          errors: [{ path, message: 'exceeds the amount due' }],
        });
      }
      await transaction`insert into allocations (invoice_id, payment_id, amount_minor) values (${invoice.id}, ${paymentId}, ${allocation.amountMinor})`;
      invoiceIds.push(invoice.id);
    }
    return invoiceIds;
  });
}

export function registerPaymentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.get(
    '/v1/payments',
    { schema: { summary: 'List payments', tags: ['payments'], querystring: paymentListQuerySchema, response: { 200: pageSchema(paymentSchema), ...errorResponses } } },
    async (request) => {
      const query = request.query;
      const where: Fragment[] = [];
      if (query.customerId) where.push(sql`base."customerId" = ${query.customerId}`);
      if (query.customerRef) where.push(sql`base."customerRef" = ${query.customerRef}`);
      if (query.currency) where.push(sql`base.currency = ${query.currency}`);
      if (query.unallocated === 'true') where.push(sql`base."unallocatedMinor" > 0`);
      if (query.unallocated === 'false') where.push(sql`base."unallocatedMinor" = 0`);
      if (query.receivedFrom) where.push(sql`base."receivedOn" >= ${query.receivedFrom}`);
      if (query.receivedTo) where.push(sql`base."receivedOn" <= ${query.receivedTo}`);

      return readPage<Payment>(sql, {
        base: paymentsBase(sql),
        where,
        sort: query.sort,
        columns: {
          receivedOn: { expression: sql`base."receivedOn"`, type: 'text' },
          amount: { expression: sql`base."amountMinor"`, type: 'bigint' },
          createdAt: { expression: sql`base."createdAt"`, type: 'timestamptz' },
        },
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  routes.get(
    '/v1/payments/:id',
    {
      schema: {
        summary: 'Read a payment with its allocations',
        tags: ['payments'],
        params: idParamsSchema,
        response: { 200: z.object({ payment: paymentSchema, allocations: z.array(allocationSchema) }), ...errorResponses },
      },
    },
    async (request) => readPayment(sql, request.params.id),
  );

  routes.post(
    '/v1/payments/:id/allocations',
    {
      schema: {
        summary: 'Allocate on-account cash to invoices',
        description: "Allocates the payment's unallocated amount to open invoices of its customer, in its currency, and wakes their cases.",
        tags: ['payments'],
        params: idParamsSchema,
        body: allocationBodySchema,
        response: { 201: z.object({ payment: paymentSchema, allocations: z.array(allocationSchema) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const invoiceIds = await allocatePayment(sql, request.params.id, request.body.allocations);
      for (const invoiceId of new Set(invoiceIds)) {
        await notifyBalanceChanged(temporal, request.log, invoiceId, { kind: 'allocation', reference: request.params.id });
      }
      request.log.info({ paymentId: request.params.id, invoiceIds }, 'payment allocated');
      return reply.code(201).send(await readPayment(sql, request.params.id));
    },
  );
}
