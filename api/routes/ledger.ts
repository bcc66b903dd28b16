import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.js';
import { customerInputSchema, invoiceInputSchema, paymentInputSchema } from '../schemas.js';
import { findCustomerByRef, insertInvoice, notifyBalanceChanged, recordPayment, upsertCustomer } from '../services/ledger.js';
import { startCaseForInvoice } from '../services/cases.js';

export function registerLedgerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.post('/v1/customers', { schema: { body: customerInputSchema, tags: ['customers'] } }, async (request, reply) => {
    const { customer, created } = await upsertCustomer(sql, request.body);
    request.log.info({ customerId: customer.id }, created ? 'customer created' : 'customer updated');
    return reply.code(created ? 201 : 200).send({ customer });
  });

  routes.post('/v1/invoices', { schema: { body: invoiceInputSchema, tags: ['invoices'] } }, async (request, reply) => {
    const customer = await findCustomerByRef(sql, request.body.customerRef);
    const { invoice, created } = await insertInvoice(sql, customer, request.body);

    let workflowId: string | null = null;
    if (invoice.total_minor > 0 && request.body.kind === 'invoice' && request.body.startCase) {
      ({ workflowId } = await startCaseForInvoice(sql, temporal, invoice.id));
    }
    if (request.body.kind === 'credit_note' && request.body.precedingInvoiceNumber) {
      const [preceding] = await sql<{ id: string }[]>`select id from invoices where customer_id = ${customer.id} and number = ${request.body.precedingInvoiceNumber}`;
      if (preceding) await notifyBalanceChanged(temporal, request.log, preceding.id, { kind: 'credit_note', reference: invoice.number });
    }
    request.log.info({ invoiceId: invoice.id, customerId: customer.id, workflowId }, created ? 'invoice created' : 'invoice already stored');
    return reply.code(created ? 201 : 200).send({ invoice, workflowId });
  });

  routes.post('/v1/payments', { schema: { body: paymentInputSchema, tags: ['payments'] } }, async (request, reply) => {
    const result = await recordPayment(sql, temporal, request.log, request.body);
    request.log.info({ paymentId: result.paymentId, invoiceId: result.invoiceId }, result.created ? 'payment recorded' : 'payment already recorded');
    return reply.code(result.created ? 201 : 200).send(result);
  });
}
