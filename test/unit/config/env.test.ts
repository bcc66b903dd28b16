import { describe, expect, it } from 'vitest';

import { loadEnv } from '../../../config/env.js';

describe('configuration from the environment', () => {
  it('leaves the workflow cache to the SDK when unset or empty', () => {
    expect(loadEnv({}).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '' }).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
  });

  it('reads a workflow cache size', () => {
    expect(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
  });

  it('names a cache size that is no number', () => {
    expect(() => loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS.*"many"/);
  });

  it('asks for both halves of mutual TLS', () => {
    expect(() => loadEnv({ TEMPORAL_TLS_CERT_PATH: '/etc/relance/client.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });
});
