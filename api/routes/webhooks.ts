import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { errorResponses, idParamsSchema } from '../schemas.js';
import {
  createSubscription,
  disableSubscription,
  findSubscription,
  listDeliveries,
  listSubscriptions,
  startWebhookDispatcher,
  subscriptionInputSchema,
  webhookEventSchema,
} from '../services/webhooks.js';

const subscriptionSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(webhookEventSchema),
  description: z.string().nullable(),
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
});

const deliverySchema = z.object({
  id: z.uuid(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.date(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});

const tags = ['webhooks'];
const admin = { scope: 'admin' as const };

/** Subscriptions of API clients to case events, and the dispatcher that delivers them while the API runs. */
export function registerWebhookRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  routes.post(
    '/v1/webhooks',
    {
      config: admin,
      schema: {
        summary: 'Subscribe a URL to case events',
        description:
          'Each delivery is a POST of {id, type, occurredAt, data} signed with header Relance-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>. ' +
          'Failed deliveries are retried with exponential backoff. The secret is returned once.',
        tags,
        body: subscriptionInputSchema,
        response: { 201: z.object({ subscription: subscriptionSchema, secret: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createSubscription(sql, request.body);
      request.log.info({ subscriptionId: created.subscription.id, events: created.subscription.events }, 'webhook subscription created');
      return reply.code(201).send(created);
    },
  );

  routes.get(
    '/v1/webhooks',
    { config: admin, schema: { summary: 'List webhook subscriptions', tags, response: { 200: z.object({ subscriptions: z.array(subscriptionSchema) }), ...errorResponses } } },
    async () => ({ subscriptions: await listSubscriptions(sql) }),
  );

  routes.get(
    '/v1/webhooks/:id',
    { config: admin, schema: { summary: 'Read a webhook subscription', tags, params: idParamsSchema, response: { 200: z.object({ subscription: subscriptionSchema }), ...errorResponses } } },
    async (request) => {
      const subscription = await findSubscription(sql, request.params.id);
      if (!subscription) throw notFound('webhook subscription', request.params.id);
      return { subscription };
    },
  );

  routes.delete(
    '/v1/webhooks/:id',
    { config: admin, schema: { summary: 'Disable a webhook subscription', tags, params: idParamsSchema, response: { 200: z.object({ subscription: subscriptionSchema }), ...errorResponses } } },
    async (request) => {
      const subscription = await disableSubscription(sql, request.params.id);
      if (!subscription) throw notFound('webhook subscription', request.params.id);
      request.log.info({ subscriptionId: subscription.id }, 'webhook subscription disabled');
      return { subscription };
    },
  );

  routes.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        summary: 'List the deliveries of a subscription',
        description: 'Newest first, with attempts, the last HTTP status and error.',
        tags,
        params: idParamsSchema,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const subscription = await findSubscription(sql, request.params.id);
      if (!subscription) throw notFound('webhook subscription', request.params.id);
      return { deliveries: await listDeliveries(sql, subscription.id, request.query.limit) };
    },
  );

  // Tests drive fan-out and delivery themselves, so the dispatcher runs outside them only.
  if (deps.env.NODE_ENV !== 'test') {
    let dispatcher: { stop(): Promise<void> } | null = null;
    app.addHook('onReady', async () => {
      dispatcher = startWebhookDispatcher(sql, app.log);
    });
    app.addHook('onClose', async () => {
      await dispatcher?.stop();
    });
  }
}
