import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

import { isPublicPath } from './auth.js';

/**
 * Serves the OpenAPI 3.1 document generated from the routes' zod schemas at
 * GET /openapi.json and an interactive reference at /docs, with its assets served from
 * the installed package. Register it before the routes: it collects them as they are added.
 * The HTML pages (outbox, portal) are left out, since they are not part of the API.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Relance API',
        version: '1',
        description:
          'Credit management: customers, invoices, payments and their dunning cases. Money is an integer of minor units with an ISO 4217 code; dates are YYYY-MM-DD. ' +
          'Send "Authorization: Bearer <API key>": create one with `relance api-key create --name NAME --scopes read,write,admin`. In development, `npm start` creates an admin key when none exists, prints it once and stores it in DATA_DIR/development-api-key. Every POST accepts an Idempotency-Key header: the first response is stored and replayed for the same key and body. Errors are RFC 9457 problem details.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key created with `relance api-key create`' } } },
      security: [{ apiKey: [] }],
    },
    transform: (document) => {
      const { url } = document;
      if (!url.startsWith('/v1/') && url !== '/health') return { schema: { ...document.schema, hide: true }, url };
      const transformed = jsonSchemaTransform(document);
      if (isPublicPath(url)) return { ...transformed, schema: { ...transformed.schema, security: [] } };
      return transformed;
    },
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
