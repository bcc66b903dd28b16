import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { Sql } from '../db/client.js';
import type { Env } from '../config/env.js';
import { registerOutboxRoutes } from '../web/outbox.js';
import { withPortalTokenRedaction } from '../web/portal/log-redaction.js';
import { registerPortalRoutes } from '../web/portal/routes.js';
import { ApiError } from './errors.js';
import { registerAuth } from './plugins/auth.js';
import { clientErrorProblem, frameworkErrorHandler } from './plugins/framework-errors.js';
import { registerIdempotency } from './plugins/idempotency.js';
import { registerNulCheck } from './plugins/nul-characters.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerBackofficeRoutes } from './routes/backoffice.js';
import { registerBackofficeReplayRoutes } from './routes/backoffice-replays.js';
import { registerCaseListRoutes } from './routes/case-lists.js';
import { registerCustomerRoutes } from './routes/customers.js';
import { registerImportRoutes } from './routes/imports.js';
import { registerInvoiceRoutes } from './routes/invoices.js';
import { registerPaymentRoutes } from './routes/payments.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerCarbonRoutes } from './routes/carbon.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLedgerRoutes } from './routes/ledger.js';
import { registerPrintQueueRoutes } from './routes/print-queue.js';
import { registerResendWebhookRoutes } from './routes/resend-webhook.js';
import { registerPortalLinkRoutes } from './routes/portal.js';
import { registerScenarioRoutes } from './routes/scenarios.js';
import { registerTaskRoutes } from './routes/tasks.js';
import type { TemporalHandle } from './temporal.js';

export interface AppDeps {
  env: Env;
  sql: Sql;
  temporal: TemporalHandle;
  logger: Logger;
}

/** Builds the Fastify application: the /v1 API, the health check and the web pages. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: withPortalTokenRedaction(deps.logger) as FastifyBaseLogger, bodyLimit: 1_048_576, frameworkErrors: frameworkErrorHandler });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).type('application/problem+json').send(error.toProblem(request.url));

    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message ?? 'invalid value',
      }));
      const problem = new ApiError('validation_failed', `invalid request: ${errors.map((entry) => `${entry.path}: ${entry.message}`).join('; ')}`, { errors });
      return reply.code(400).type('application/problem+json').send(problem.toProblem(request.url));
    }
    if (error instanceof ZodError) {
      const errors = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      const problem = new ApiError('validation_failed', `invalid value: ${errors.map((entry) => `${entry.path}: ${entry.message}`).join('; ')}`, { errors });
      return reply.code(400).type('application/problem+json').send(problem.toProblem(request.url));
    }
    if (error.statusCode && error.statusCode < 500) {
      const problem = clientErrorProblem(error as FastifyError & { statusCode: number }, request);
      return reply.code(problem.status).type('application/problem+json').send(problem);
    }

    if (isTemporalUnavailable(error)) {
      request.log.warn({ err: error }, 'Temporal request timed out or failed to connect');
      const problem = new ApiError('dependency_unavailable', 'Temporal, which runs the dunning cases, is unavailable: nothing stored was lost; repeat the request in a minute');
      return reply.code(503).header('retry-after', '30').type('application/problem+json').send(problem.toProblem(request.url));
    }

    request.log.error({ err: error }, 'request failed');
    return reply.code(500).type('application/problem+json').send({
      type: 'about:blank',
      title: 'internal error',
      status: 500,
      detail: 'The request failed on the server; nothing was lost. Retry it, and report the time if it fails again.',
      code: 'internal_error',
    });
  });

  // The OpenAPI document collects routes as they are added, and the key check, rate limit
  // and idempotency hooks apply to routes added after them: keep these first.
  await registerOpenApi(app);
  await registerAuth(app, deps);
  registerIdempotency(app, deps);
  registerNulCheck(app);

  registerHealthRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  registerCaseRoutes(app, deps);
  registerScenarioRoutes(app, deps);
  registerTaskRoutes(app, deps);
  registerPrintQueueRoutes(app, deps);
  registerResendWebhookRoutes(app, deps);
  registerCarbonRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  registerInvoiceRoutes(app, deps);
  registerCaseListRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerApiKeyRoutes(app, deps);
  registerOutboxRoutes(app, deps);
  registerPortalLinkRoutes(app, deps);
  registerPortalRoutes(app, deps);
  registerBackofficeRoutes(app, deps);
  registerBackofficeReplayRoutes(app, deps);
  return app;
}

// gRPC status codes of a Temporal frontend that is down, overloaded or too slow to respond.
const UNAVAILABLE_CODES = new Set([4, 8, 14]);

function isTemporalUnavailable(error: unknown): boolean {
  const grpc = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpc) && UNAVAILABLE_CODES.has(grpc.code);
}
