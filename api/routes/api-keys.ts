import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { errorResponses, idParamsSchema } from '../schemas.js';
import { apiKeyScopeSchema, createApiKey, createApiKeyInputSchema, listApiKeys, revokeApiKey } from '../services/api-keys.js';

const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  rateLimitPerMinute: z.number().int(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
});

export function registerApiKeyRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  routes.get(
    '/v1/api-keys',
    { config: { scope: 'admin' }, schema: { summary: 'List API keys', description: 'Keys are listed without their secret, which is never stored.', tags: ['api keys'], response: { 200: z.object({ apiKeys: z.array(apiKeySchema) }), ...errorResponses } } },
    async () => ({ apiKeys: await listApiKeys(sql) }),
  );

  routes.post(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Create an API key',
        description: 'Returns the key once: store it, since only its SHA-256 hash is kept.',
        tags: ['api keys'],
        body: createApiKeyInputSchema,
        response: { 201: z.object({ key: z.string(), apiKey: apiKeySchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(sql, request.body);
      request.log.info({ apiKeyId: created.apiKey.id, scopes: created.apiKey.scopes }, 'API key created');
      return reply.code(201).send(created);
    },
  );

  routes.delete(
    '/v1/api-keys/:id',
    {
      config: { scope: 'admin' },
      schema: { summary: 'Revoke an API key', tags: ['api keys'], params: idParamsSchema, response: { 200: z.object({ apiKey: apiKeySchema }), ...errorResponses } },
    },
    async (request) => {
      const apiKey = await revokeApiKey(sql, request.params.id);
      if (!apiKey) throw notFound('API key', request.params.id);
      request.log.info({ apiKeyId: apiKey.id }, 'API key revoked');
      return { apiKey };
    },
  );
}
