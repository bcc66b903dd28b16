import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { ApiError } from '../errors.js';

/**
 * Sends the errors that Fastify's router raises before any hook runs (a malformed URL, a
 * path parameter longer than the router's 100-character maximum) as problem details,
 * like every other error of the API.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'a path parameter is longer than 100 characters once URL-encoded: check the id in the URL'
    : `the URL cannot be read (${error.message}): encode it as UTF-8 and percent-escape reserved characters`;
  const problem = new ApiError('validation_failed', detail).toProblem(request.raw.url);
  void reply.code(status).type('application/problem+json').send({ ...problem, status });
}
