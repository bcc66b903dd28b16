import type { Logger } from 'pino';

// Portal links carry a bearer token in their path. Request logs show the path of
// /portal requests with the token replaced, so no log line can open a customer's portal.

const PORTAL_PATH = /^(\/portal\/)[^/?#]+/;

/** Replaces the token segment of a /portal path; other URLs are returned unchanged. */
export function redactPortalUrl(url: string): string {
  return url.replace(PORTAL_PATH, '$1[token]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Serializes a Fastify request for the log like Fastify's default, with the portal token redacted. */
export function serializePortalSafeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactPortalUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Returns a child logger whose `req` serializer redacts portal tokens; pass it to Fastify as its logger instance. */
export function withPortalTokenRedaction(logger: Logger): Logger {
  return logger.child({}, { serializers: { req: serializePortalSafeRequest } });
}
