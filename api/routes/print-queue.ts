import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instantSchema } from '../../domain/dates.js';
import type { AppDeps } from '../app.js';
import { idParamsSchema } from '../schemas.js';
import { listLetters, readLetterPdf, recordDispatch, recordReceipt } from '../services/print-queue.js';

const letterStatusSchema = z.enum(['queued', 'dispatched', 'delivered', 'returned']);

const dispatchBodySchema = z.object({
  /** When the letter was handed to the post; now when omitted. */
  dispatchedAt: instantSchema.optional(),
  /** The registered letter's number, printed on its receipt card. */
  trackingRef: z.string().trim().min(1).max(100).optional(),
  provider: z.string().trim().min(1).max(60).optional(),
  author: z.string().trim().min(1).max(200).default('operator'),
});

const receiptBodySchema = z.object({
  outcome: z.enum(['delivered', 'returned']),
  /** The date on the acknowledgement of receipt, or when the letter came back; now when omitted. */
  receivedAt: instantSchema.optional(),
  author: z.string().trim().min(1).max(200).default('operator'),
});

/** Registers the print queue: letters waiting to be printed and posted, their PDFs, and their postal events. */
export function registerPrintQueueRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  routes.get(
    '/v1/print-queue',
    { schema: { querystring: z.object({ status: letterStatusSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), tags: ['print queue'] } },
    async (request) => ({ letters: await listLetters(sql, request.query) }),
  );

  routes.get('/v1/print-queue/:id/pdf', { schema: { params: idParamsSchema, tags: ['print queue'] } }, async (request, reply) => {
    const letter = await readLetterPdf(sql, request.params.id);
    const name = `${letter.kind}-${(letter.invoiceNumber ?? request.params.id).replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${name}"`).send(letter.pdf);
  });

  routes.post('/v1/print-queue/:id/dispatch', { schema: { params: idParamsSchema, body: dispatchBodySchema.default({ author: 'operator' }), tags: ['print queue'] } }, async (request) => {
    const body = request.body;
    const letter = await recordDispatch(sql, request.params.id, {
      dispatchedAt: body.dispatchedAt ?? new Date().toISOString(),
      trackingRef: body.trackingRef,
      provider: body.provider,
      author: body.author,
    });
    request.log.info({ letterId: letter.id, invoiceId: letter.invoiceId, status: letter.status }, 'letter dispatch recorded');
    return { letter };
  });

  routes.post('/v1/print-queue/:id/receipt', { schema: { params: idParamsSchema, body: receiptBodySchema, tags: ['print queue'] } }, async (request) => {
    const body = request.body;
    const letter = await recordReceipt(sql, request.params.id, {
      outcome: body.outcome,
      receivedAt: body.receivedAt ?? new Date().toISOString(),
      author: body.author,
    });
    request.log.info({ letterId: letter.id, invoiceId: letter.invoiceId, status: letter.status }, 'letter receipt recorded');
    return { letter };
  });
}
