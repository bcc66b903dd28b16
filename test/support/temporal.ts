// Temporal servers for tests: the CLI's dev server for behaviour close to production, and
// the Java test server when a test needs to skip time.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';

import { searchAttributeCliArgs } from '../../domain/search-attributes.js';
import { TEST_ENV } from './test-context.js';

// sdk-core gives an ephemeral server 5 seconds to accept connections, which a loaded
// machine can exceed even for a quick server; a second attempt usually starts in time.
const START_ATTEMPTS = 3;

async function startWithRetries(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      const timedOut = error instanceof Error && error.message.includes('did not start within');
      if (!timedOut || attempt === START_ATTEMPTS) throw error;
    }
  }
}

function knownPath(key: 'temporalCliPath' | 'temporalTestServerPath'): string | undefined {
  return inject(key) ?? process.env[TEST_ENV[key]] ?? undefined;
}

/**
 * Starts the Temporal CLI dev server on 127.0.0.1 with the custom search attributes.
 * Without a CLI recorded by set-up, the SDK downloads one, which needs internet access.
 */
export async function createDevEnvironment(): Promise<TestWorkflowEnvironment> {
  const cliPath = knownPath('temporalCliPath');

  return startWithRetries(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        ...(cliPath ? { executable: { type: 'existing-path', path: cliPath } } : {}),
        ip: '127.0.0.1',
        extraArgs: searchAttributeCliArgs(),
      },
    }),
  );
}

/**
 * Starts the Java time-skipping test server, bound to 127.0.0.1 by the launcher that set-up
 * builds. Without it, the SDK downloads its own test server, which listens on every interface.
 */
export async function createTimeSkippingEnvironment(options: { startTime?: string } = {}): Promise<TestWorkflowEnvironment> {
  const testServerPath = knownPath('temporalTestServerPath');
  if (options.startTime && !testServerPath) {
    throw new Error('a start time needs the loopback test server: run `npm run setup -- --test-server`');
  }

  return TestWorkflowEnvironment.createTimeSkipping(
    testServerPath
      ? {
          server: {
            executable: { type: 'existing-path', path: testServerPath },
            extraArgs: options.startTime ? ['--start-time', options.startTime] : [],
          },
        }
      : {},
  );
}
