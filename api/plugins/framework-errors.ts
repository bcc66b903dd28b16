import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { ApiError, type ErrorCode } from '../errors.js';

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

/** Details of the body errors that Fastify's parsers raise, with what the client should change. */
function clientErrorDetail(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the route'} bytes: send a smaller body, or import large data as a file with POST /v1/imports`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content type "${request.headers['content-type'] ?? ''}" is not accepted here: send application/json, or multipart/form-data to POST /v1/imports`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty but Content-Type is application/json: send a JSON object, or leave out the Content-Type header';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON (or has a __proto__ or constructor key): check its quotes, commas and brackets';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the body length differs from the Content-Length header: send the whole body with its real length';
    default:
      return error.message;
  }
}

/** Converts an error below 500 that is no ApiError (a parser or plugin error) into problem details with its own status. */
export function clientErrorProblem(error: FastifyError & { statusCode: number }, request: FastifyRequest): ReturnType<ApiError['toProblem']> {
  let code: ErrorCode = 'validation_failed';
  if (error.statusCode === 413) code = 'payload_too_large';
  if (error.statusCode === 415) code = 'unsupported_media_type';
  const problem = new ApiError(code, clientErrorDetail(error, request)).toProblem(request.url);
  return { ...problem, status: error.statusCode };
}
