import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { findScenario, saveScenario } from '../services/scenarios.js';

export function registerScenarioRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  // The body is validated by the scenario schema in saveScenario, whose errors name each step.
  routes.post('/v1/scenarios', { schema: { body: z.record(z.string(), z.unknown()), tags: ['scenarios'] } }, async (request, reply) => {
    const scenario = await saveScenario(sql, request.body);
    request.log.info({ scenarioId: scenario.id, version: scenario.version }, 'scenario version stored');
    return reply.code(201).send({ scenario });
  });

  routes.get('/v1/scenarios', { schema: { tags: ['scenarios'] } }, async () => {
    const rows = await sql<{ id: string; version: number; is_default: boolean; definition: unknown }[]>`
      select distinct on (id) id, version, is_default, definition from scenarios order by id, version desc`;
    return { scenarios: rows.map((row) => ({ ...(row.definition as object), isDefault: row.is_default })) };
  });

  routes.get('/v1/scenarios/:id', { schema: { params: z.object({ id: z.string().max(63) }), tags: ['scenarios'] } }, async (request) => {
    const scenario = await findScenario(sql, request.params.id);
    if (!scenario) throw notFound('scenario', request.params.id);
    return { scenario };
  });
}
