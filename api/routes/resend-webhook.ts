import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { processResendEvent, resendEventSchema } from '../services/resend-webhook.js';
import { verifyWebhook } from '../services/webhook-signature.js';

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POST /v1/webhooks/resend: Resend's delivery events, signed by Svix. The route lives in
 * its own plugin scope because the signature covers the raw body, so this scope alone
 * parses JSON after keeping the text.
 */
export function registerResendWebhookRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post('/v1/webhooks/resend', async (request, reply) => {
      const secret = deps.env.RESEND_WEBHOOK_SECRET;
      if (!secret) {
        request.log.error('RESEND_WEBHOOK_SECRET is missing, so webhook deliveries are rejected until it is set');
        throw new ApiError('dependency_unavailable', 'webhook verification is not configured: set RESEND_WEBHOOK_SECRET to the signing secret of the Resend webhook');
      }

      const raw = typeof request.body === 'string' ? request.body : '';
      const headers = { id: headerOf(request.headers['svix-id']), timestamp: headerOf(request.headers['svix-timestamp']), signature: headerOf(request.headers['svix-signature']) };
      const check = verifyWebhook(secret, headers, raw);
      if (!check.valid) {
        request.log.warn({ deliveryId: headers.id, reason: check.reason }, 'webhook signature rejected');
        throw new ApiError('unauthorized', `invalid webhook signature: ${check.reason}`);
      }

      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new ApiError('validation_failed', 'invalid webhook body: expected a JSON event');
      }
      const event = resendEventSchema.parse(json);

      const result = await processResendEvent(deps.sql, deps.temporal, deps.logger, headers.id as string, event);
      request.log.info({ deliveryId: headers.id, ...result }, result.duplicate ? 'webhook delivery already processed' : 'webhook delivery processed');
      return reply.code(200).send(result);
    });
  });
}
