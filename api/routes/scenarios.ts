import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { errorResponses } from '../schemas.js';
import { migrateRunningCases } from '../services/scenario-migration.js';
import { findScenario, saveScenario } from '../services/scenarios.js';

/** A scenario as stored: its steps are described by the scenario schema in domain/scenario.ts. */
const scenarioResponseSchema = z.looseObject({ id: z.string(), version: z.number().int() });

export function registerScenarioRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  // The body is validated by the scenario schema in saveScenario, whose errors name each step.
  routes.post('/v1/scenarios', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Store a new version of a dunning scenario',
      tags: ['scenarios'],
      body: z.record(z.string(), z.unknown()),
      response: { 201: z.object({ scenario: scenarioResponseSchema }), ...errorResponses },
    },
  }, async (request, reply) => {
    const scenario = await saveScenario(sql, request.body);
    request.log.info({ scenarioId: scenario.id, version: scenario.version }, 'scenario version stored');
    return reply.code(201).send({ scenario });
  });

  routes.get('/v1/scenarios', { schema: { summary: 'List the latest version of each scenario', tags: ['scenarios'], response: { 200: z.object({ scenarios: z.array(scenarioResponseSchema.extend({ isDefault: z.boolean() })) }), ...errorResponses } } }, async () => {
    const rows = await sql<{ id: string; version: number; is_default: boolean; definition: unknown }[]>`
      select distinct on (id) id, version, is_default, definition from scenarios order by id, version desc`;
    return { scenarios: rows.map((row) => ({ ...(row.definition as { id: string; version: number }), isDefault: row.is_default })) };
  });

  routes.get('/v1/scenarios/:id', {
    schema: {
      summary: 'Read the latest version of a scenario',
      tags: ['scenarios'],
      params: z.object({ id: z.string().max(63) }),
      response: { 200: z.object({ scenario: scenarioResponseSchema }), ...errorResponses },
    },
  }, async (request) => {
    const scenario = await findScenario(sql, request.params.id);
    if (!scenario) throw notFound('scenario', request.params.id);
    return { scenario };
  });

  routes.post('/v1/scenarios/:id/migrate-cases', {
    config: { scope: 'admin' },
    schema: {
      summary: "Move running cases to the scenario's latest version",
      description: 'Running cases keep the version they started with until this call. With dryRun, lists the cases that would move.',
      tags: ['scenarios'],
      params: z.object({ id: z.string().max(63) }),
      body: z.object({ dryRun: z.boolean().default(false) }).default({ dryRun: false }),
      response: {
        200: z.object({
          scenarioId: z.string(),
          toVersion: z.number().int(),
          dryRun: z.boolean(),
          cases: z.array(z.object({
            invoiceId: z.string(),
            workflowId: z.string(),
            fromVersion: z.number().int(),
            result: z.enum(['migrated', 'would_migrate', 'failed']),
            error: z.string().optional(),
          })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const author = request.apiKey ? `api-key:${request.apiKey.name}` : 'api';
    const report = await migrateRunningCases(sql, deps.temporal, { scenarioId: request.params.id, author, dryRun: request.body.dryRun });
    request.log.info({ scenarioId: report.scenarioId, toVersion: report.toVersion, cases: report.cases.length, dryRun: report.dryRun }, 'scenario migration of running cases');
    return report;
  });
}
