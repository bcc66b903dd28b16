import { describe, expect, it } from 'vitest';

import { loadEnv } from '../../../config/env.js';

describe('configuration from the environment', () => {
  it('leaves cache size to SDK', () => {
    expect(loadEnv({}).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '' }).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
  });

  it('reads a cache size', () => {
    expect(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
  });

  it('rejects a non-numeric cache size', () => {
    expect(() => loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS.*"many"/);
  });

  it('requires both TLS paths', () => {
    expect(() => loadEnv({ TEMPORAL_TLS_CERT_PATH: '/etc/relance/client.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });
});
