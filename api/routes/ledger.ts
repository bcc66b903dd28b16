import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { customerInputSchema, errorResponses, invoiceInputSchema, invoiceSchema, paymentInputSchema } from '../schemas.js';
import { findCustomerByRef, insertInvoice, notifyBalanceChanged, recordPayment, upsertCustomer } from '../services/ledger.js';
import { startCaseForInvoice } from '../services/cases.js';
import { customerDetailSchema, readCustomer } from './customers.js';
import { readInvoice } from './invoices.js';

// The POST routes return the stored resource as the GET routes show it.
const customerResponseSchema = z.object({ customer: customerDetailSchema });
const invoiceResponseSchema = z.object({ invoice: invoiceSchema, workflowId: z.string().nullable() });
const paymentResponseSchema = z.object({ paymentId: z.uuid(), created: z.boolean(), invoiceId: z.uuid().nullable() });

export function registerLedgerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, temporal } = deps;

  routes.post('/v1/customers', {
    schema: {
      summary: 'Create or update a customer by its external reference',
      tags: ['customers'],
      body: customerInputSchema,
      response: { 200: customerResponseSchema, 201: customerResponseSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { customer, created } = await upsertCustomer(sql, request.body);
    request.log.info({ customerId: customer.id }, created ? 'customer created' : 'customer updated');
    return reply.code(created ? 201 : 200).send({ customer: await readCustomer(sql, customer.id) });
  });

  routes.post('/v1/invoices', {
    schema: {
      summary: 'Store an invoice or credit note and start its case',
      description: 'Stored once per customer and number: the same document again returns 200, and other values for a stored number return 409.',
      tags: ['invoices'],
      body: invoiceInputSchema,
      response: { 200: invoiceResponseSchema, 201: invoiceResponseSchema, ...errorResponses },
    },
  }, async (request, reply) => {
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
    return reply.code(created ? 201 : 200).send({ invoice: await readInvoice(sql, invoice.id), workflowId });
  });

  routes.post('/v1/payments', {
    schema: {
      summary: 'Record a payment',
      description: 'Stored once per customer reference and payment reference; the invoice it names is woken to re-read its balance.',
      tags: ['payments'],
      body: paymentInputSchema,
      response: { 200: paymentResponseSchema, 201: paymentResponseSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await recordPayment(sql, temporal, request.log, request.body);
    request.log.info({ paymentId: result.paymentId, invoiceId: result.invoiceId }, result.created ? 'payment recorded' : 'payment already recorded');
    return reply.code(result.created ? 201 : 200).send(result);
  });
}
