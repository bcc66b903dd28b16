import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instantSchema } from '../../domain/dates.js';
import type { AppDeps } from '../app.js';
import { listCarbonFactors, summarizeCarbon } from '../services/carbon.js';

const carbonQuerySchema = z.object({
  groupBy: z.enum(['case', 'customer', 'scenario', 'channel']).default('channel'),
  /** Lines recorded at or after this instant. */
  from: instantSchema.optional(),
  /** Lines recorded before this instant. */
  to: instantSchema.optional(),
  customerId: z.uuid().optional(),
  /** Whether each group lists its ledger lines with their factors; true unless "false". */
  lines: z.enum(['true', 'false']).default('true'),
});

/** Registers the carbon report of the dunning actions, estimated from the carbon ledger, and the factor list. */
export function registerCarbonRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/v1/carbon', { schema: { querystring: carbonQuerySchema, tags: ['carbon'] } }, async (request) => {
    const { lines, ...query } = request.query;
    return summarizeCarbon(deps.sql, { ...query, includeLines: lines === 'true' });
  });

  routes.get('/v1/carbon/factors', { schema: { tags: ['carbon'] } }, async () => ({ factors: await listCarbonFactors(deps.sql) }));
}
