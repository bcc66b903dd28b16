import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { ensureDevelopmentKey, findApiKey, hasScope, type ApiKeyIdentity, type ApiKeyScope } from '../services/api-keys.js';

/** Access a route requires: a key with this scope, or no key at all ('public'). */
export type RouteScope = ApiKeyScope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope the route requires; GET defaults to read and other methods to write under /v1. */
    scope?: RouteScope;
  }
  interface FastifyRequest {
    apiKey: ApiKeyIdentity | null;
  }
}

/** Paths served without a key: health, web pages, the API reference, and the e-mail provider's callbacks (signed by the provider). */
const PUBLIC_PATHS = [/^\/health$/, /^\/outbox(\/|$)/, /^\/portal(\/|$)/, /^\/v1\/webhooks\/resend$/, /^\/openapi\.json$/, /^\/docs(\/|$)/];

export function isPublicPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? url;
  return PUBLIC_PATHS.some((pattern) => pattern.test(pathname));
}

function requiredScope(request: FastifyRequest): RouteScope {
  const configured = request.routeOptions.config.scope;
  if (configured) return configured;
  const route = request.routeOptions.url ?? request.url;
  if (isPublicPath(route) || !route.startsWith('/v1/')) return 'public';
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError('unauthorized', 'the Authorization header is not "Bearer <API key>": send the key that `relance api-key create` printed');
  return match[1] ?? null;
}

/**
 * Checks the API key of every request against the scope of its route, then limits each
 * key to its requests per minute (by client address for public routes). Revoked keys
 * fail at once: every request reads the key's row.
 */
export async function registerAuth(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.decorateRequest('apiKey', null);

  app.addHook('onRequest', async (request) => {
    const scope = requiredScope(request);
    const token = bearerToken(request);
    if (scope === 'public' && token === null) return;

    if (token === null) {
      throw new ApiError('unauthorized', `${request.method} ${request.routeOptions.url ?? request.url} needs an API key: send "Authorization: Bearer <key>"; create one with \`relance api-key create --name NAME --scopes ${scope}\``);
    }
    const apiKey = await findApiKey(deps.sql, token);
    if (!apiKey) throw new ApiError('unauthorized', 'the API key is unknown or revoked: create a new one with `relance api-key create`');
    if (scope !== 'public' && !hasScope(apiKey.scopes, scope)) {
      throw new ApiError('forbidden', `API key "${apiKey.name}" has scopes ${apiKey.scopes.join(', ')}; ${request.method} ${request.routeOptions.url} needs ${scope}: use a key with that scope`);
    }
    request.apiKey = apiKey;
  });

  // NOTE: counters live in each API process's memory, so N processes allow N times the limit.
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    max: (request) => request.apiKey?.rateLimitPerMinute ?? 600,
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (request, context) =>
      new ApiError('rate_limited', `${request.apiKey ? `API key "${request.apiKey.name}"` : 'this address'} sent more than ${context.max} requests a minute: retry after ${context.after}`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });

  if (deps.env.NODE_ENV === 'development') {
    const created = await ensureDevelopmentKey(deps.sql, deps.env.DATA_DIR);
    if (created) {
      deps.logger.warn({ file: created.file }, 'no API key existed: created a development admin key, printed below once and stored in the file');
      process.stdout.write(`\nDevelopment API key (admin): ${created.key}\nUse it as: curl -H "Authorization: Bearer ${created.key}" http://${deps.env.HOST}:${deps.env.PORT}/v1/customers\n\n`);
    }
  }
}
