import { createHash } from 'node:crypto';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Sql } from '../../db/client.js';
import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';

// Idempotency-Key on POST requests. The first response (below 500) is stored per API key
// and replayed for the same key, path and body. The same key with another body is
// rejected. While the first request runs, a second one with the same key waits for it and
// replays its response, or gets 409 when the first is still running after WAIT_MS.

const HEADER = 'idempotency-key';
const WAIT_MS = 10_000;
const POLL_MS = 100;
/** A request still marked running after this long was cut short (process stopped), so its key may run again. */
const ABANDONED_AFTER_SECONDS = 120;

interface StoredResponse {
  request_hash: string;
  status_code: number | null;
  response_body: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

function requestHash(request: FastifyRequest): string {
  const route = request.routeOptions.url ?? request.url;
  return createHash('sha256').update(`${request.method} ${route} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
}

async function claim(sql: Sql, apiKeyId: string, key: string, request: FastifyRequest, hash: string): Promise<boolean> {
  const inserted = await sql`
    insert into idempotent_requests (api_key_id, idempotency_key, method, path, request_hash)
    values (${apiKeyId}, ${key}, ${request.method}, ${request.url}, ${hash})
    on conflict (api_key_id, idempotency_key) do update set created_at = now(), request_hash = excluded.request_hash
      where idempotent_requests.status_code is null
        and idempotent_requests.created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
    returning 1`;
  return inserted.length > 0;
}

function replay(reply: FastifyReply, stored: StoredResponse): FastifyReply {
  const type = stored.status_code !== null && stored.status_code >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8';
  return reply
    .code(stored.status_code ?? 200)
    .header('idempotent-replayed', 'true')
    .type(type)
    .serializer((payload: unknown) => payload as string)
    .send(JSON.stringify(stored.response_body));
}

export function registerIdempotency(app: FastifyInstance, deps: AppDeps): void {
  const { sql } = deps;
  app.decorateRequest('idempotencyKey', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || key === undefined || !request.apiKey) return;
    // A multipart upload is streamed, so its body cannot be hashed first. The only one,
    // POST /v1/imports, is idempotent by the natural keys of what it imports.
    if (request.headers['content-type']?.startsWith('multipart/')) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new ApiError('validation_failed', 'the Idempotency-Key header must be one value of 1 to 255 characters, such as a UUID');
    }

    const apiKeyId = request.apiKey.id;
    const hash = requestHash(request);
    if (await claim(sql, apiKeyId, key, request, hash)) {
      request.idempotencyKey = key;
      return;
    }

    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const [stored] = await sql<StoredResponse[]>`
        select request_hash, status_code, response_body from idempotent_requests
        where api_key_id = ${apiKeyId} and idempotency_key = ${key}`;
      if (!stored) {
        // The first request failed with a server error and released the key: run this one.
        if (await claim(sql, apiKeyId, key, request, hash)) {
          request.idempotencyKey = key;
          return;
        }
        continue;
      }
      if (stored.request_hash !== hash) {
        throw new ApiError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with another request body or path: use a new key for a new request`);
      }
      if (stored.status_code !== null) return replay(reply, stored);
      if (Date.now() > deadline) {
        throw new ApiError('conflict', `a request with Idempotency-Key "${key}" is still running: retry in a few seconds to receive its response`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key === null || !request.apiKey) return payload;
    request.idempotencyKey = null;

    if (reply.statusCode >= 500) {
      await sql`delete from idempotent_requests where api_key_id = ${request.apiKey.id} and idempotency_key = ${key}`;
      return payload;
    }
    let body: unknown = null;
    if (typeof payload === 'string') {
      try {
        body = JSON.parse(payload);
      } catch {
        body = payload;
      }
    }
    await sql`
      update idempotent_requests set status_code = ${reply.statusCode}, response_body = ${sql.json(body as never)}
      where api_key_id = ${request.apiKey.id} and idempotency_key = ${key}`;
    return payload;
  });
}
