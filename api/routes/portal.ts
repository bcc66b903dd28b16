import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { portalSecretOf } from '../../config/env.js';
import { findLinkCustomer, issuePortalLink, revokePortalLinks } from '../../web/portal/access.js';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { idParamsSchema } from '../schemas.js';

// Portal links of a customer: issue a new one, or revoke every link issued so far by
// raising the customer's link version.

export function registerPortalLinkRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql, env } = deps;

  routes.post('/v1/customers/:id/portal-link', { schema: { params: idParamsSchema, tags: ['customers'] } }, async (request, reply) => {
    const customer = await findLinkCustomer(sql, request.params.id);
    if (!customer) throw notFound('customer', request.params.id);
    const link = issuePortalLink(customer, { baseUrl: env.PORTAL_BASE_URL, secrets: portalSecretOf(env), ttlDays: env.PORTAL_LINK_TTL_DAYS, now: new Date() });
    request.log.info({ customerId: customer.id, linkVersion: link.linkVersion }, 'portal link issued');
    return reply.code(201).send({ url: link.url, expiresAt: link.expiresAt.toISOString(), linkVersion: link.linkVersion });
  });

  routes.post('/v1/customers/:id/portal-link/revoke', { schema: { params: idParamsSchema, tags: ['customers'] } }, async (request) => {
    const linkVersion = await revokePortalLinks(sql, request.params.id);
    if (linkVersion === null) throw notFound('customer', request.params.id);
    request.log.info({ customerId: request.params.id, linkVersion }, 'portal links revoked');
    return { customerId: request.params.id, linkVersion };
  });
}
