import type { FastifyInstance } from 'fastify';

import { ApiError } from '../errors.js';

/** Returns the path of the first string containing a NUL character, or null. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(key, path) ?? findNul(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Rejects query strings, path parameters and JSON bodies that contain a NUL character,
 * which PostgreSQL text cannot store, before any route reads them.
 */
export function registerNulCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found = findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body');
    if (found) {
      throw new ApiError('validation_failed', `${found} contains a NUL character (\\u0000), which cannot be stored: remove it`, {
        errors: [{ path: found, message: 'contains a NUL character' }],
      });
    }
  });
}
