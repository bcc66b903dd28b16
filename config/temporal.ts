import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from '@temporalio/client';
import type { Env } from './env.js';

/** Connection options for a local dev server, a self-hosted cluster with mutual TLS, or Temporal Cloud with an API key. */
export async function temporalConnectionOptions(env: Env): Promise<ConnectionOptions> {
  const options: ConnectionOptions = { address: env.TEMPORAL_ADDRESS };
  if (env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH) {
    options.tls = {
      clientCertPair: {
        crt: await readFile(env.TEMPORAL_TLS_CERT_PATH),
        key: await readFile(env.TEMPORAL_TLS_KEY_PATH),
      },
    };
  }
  if (env.TEMPORAL_API_KEY) {
    options.apiKey = env.TEMPORAL_API_KEY;
    options.tls = options.tls ?? true;
    options.metadata = { 'temporal-namespace': env.TEMPORAL_NAMESPACE };
  }
  return options;
}
