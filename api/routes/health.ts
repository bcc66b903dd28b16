import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';

/** GET /health: whether Temporal and PostgreSQL answer, as JSON; 503 when either does not. */
export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', async (_request, reply) => {
    const [postgres, temporal] = await Promise.all([
      deps.sql`select 1 as ok`.then(() => ({ status: 'connected' as const }), (error: Error) => ({ status: 'unavailable' as const, error: error.message })),
      deps.temporal.connection.healthService
        .check({})
        .then(() => ({ status: 'connected' as const, namespace: deps.env.TEMPORAL_NAMESPACE }), (error: Error) => ({ status: 'unavailable' as const, error: error.message })),
    ]);
    const healthy = postgres.status === 'connected' && temporal.status === 'connected';
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', postgres, temporal });
  });
}
