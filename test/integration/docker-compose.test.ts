import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../domain/search-attributes.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORTAL_SECRET = 'test-portal-secret-of-at-least-32-characters';

const APP_VARIABLES = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL', 'RESEND_API_KEY', 'PORTAL_BASE_URL', 'PORTAL_SECRET',
  'COMPANY_NAME', 'COMPANY_SIREN', 'COMPANY_ADDRESS', 'COMPANY_SENDER_EMAIL', 'PORT',
];

interface ComposeService {
  environment?: Record<string, string>;
  ports?: (string | { host_ip?: string })[];
}

// An empty env file keeps a developer's .env out of the result.
const SCRATCH_DIR = mkdtempSync(path.join(os.tmpdir(), 'relance-compose-'));
const EMPTY_ENV_FILE = path.join(SCRATCH_DIR, 'empty.env');
writeFileSync(EMPTY_ENV_FILE, '');

afterAll(() => rmSync(SCRATCH_DIR, { recursive: true, force: true }));

function dockerCompose(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync('docker-compose', ['--env-file', EMPTY_ENV_FILE, '-f', 'docker-compose.yml', ...args], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.error) {
    throw new Error(`Failed to start docker-compose (${result.error.message}). Install it with: apt-get install docker-compose`);
  }
  return result;
}

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;

  beforeAll(() => {
    const rendered = dockerCompose(['config'], { ...process.env, PORTAL_SECRET });
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    services = (parse(rendered.stdout) as { services: Record<string, ComposeService> }).services;
  });

  it('passes docker-compose validation', () => {
    const validation = dockerCompose(['config', '-q'], { ...process.env, PORTAL_SECRET });

    expect(validation.stderr).toBe('');
    expect(validation.status).toBe(0);
  });

  it('requires a portal secret', () => {
    const env = { ...process.env };
    delete env.PORTAL_SECRET;

    const validation = dockerCompose(['config', '-q'], env);

    expect(validation.status).not.toBe(0);
    expect(validation.stderr).toContain('PORTAL_SECRET');
  });

  it('defines the whole stack', () => {
    for (const name of ['postgres', 'temporal', 'temporal-search-attributes', 'temporal-ui', 'migrate', 'api', 'worker']) {
      expect(services, name).toHaveProperty(name);
    }
  });

  it('configures API and worker alike', () => {
    for (const name of ['api', 'worker']) {
      const environment = services[name]?.environment ?? {};
      for (const variable of APP_VARIABLES) expect(environment, `${name} ${variable}`).toHaveProperty(variable);
      expect(environment.PORTAL_SECRET).toBe(PORTAL_SECRET);
      expect(environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(environment.DATABASE_URL).toMatch(/^postgres:\/\/relance:[^@]+@postgres:5432\/relance$/);
    }
  });

  it('publishes ports on loopback only', () => {
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => ({ name, port })),
    );
    expect(published.length).toBeGreaterThan(0);

    for (const { name, port } of published) {
      const hostAddress = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
      expect(hostAddress, `${name} ${JSON.stringify(port)}`).toBe('127.0.0.1');
    }
  });

  it('registers every search attribute', () => {
    const registered = services['temporal-search-attributes']?.environment?.SEARCH_ATTRIBUTES ?? '';
    const pairs = registered.split(/\s+/).filter((pair) => pair !== '');

    expect(pairs.sort()).toEqual(SEARCH_ATTRIBUTE_DEFINITIONS.map(({ name, type }) => `${name}=${type}`).sort());
  });
});
