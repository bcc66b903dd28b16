import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);
  await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.write, payload: { externalRef: 'IDEM-1', name: 'Idem SARL' } });
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

const payment = (reference: string, amountMinor = 12_000) => ({ customerRef: 'IDEM-1', reference, amountMinor, currency: 'EUR', receivedOn: '2026-03-02' });

async function paymentCount(): Promise<number> {
  const [row] = await api.database.sql<{ count: number }[]>`select count(*)::int as count from payments`;
  return row!.count;
}

describe('Idempotency-Key', () => {
  it('replays the first response', async () => {
    const headers = { ...api.as.write, 'idempotency-key': 'replay-1' };

    const first = await api.app.inject({ method: 'POST', url: '/v1/customers', headers, payload: { externalRef: 'IDEM-2', name: 'Première SAS' } });
    const second = await api.app.inject({ method: 'POST', url: '/v1/customers', headers, payload: { externalRef: 'IDEM-2', name: 'Première SAS' } });

    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
  });

  it('rejects a key reused with another body', async () => {
    const headers = { ...api.as.write, 'idempotency-key': 'reused-1' };

    await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: payment('VIR-REUSED-1') });
    const reused = await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: payment('VIR-REUSED-2') });

    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    const references = await api.database.sql<{ reference: string }[]>`select reference from payments where reference like 'VIR-REUSED-%'`;
    expect(references.map((row) => row.reference)).toEqual(['VIR-REUSED-1']);
  });

  it('replays stored client errors', async () => {
    const headers = { ...api.as.write, 'idempotency-key': 'error-1' };
    const body = { customerRef: 'NOBODY', number: 'F-1', currency: 'EUR', totalMinor: 100, issueDate: '2026-01-01', dueDate: '2026-01-31' };

    const first = await api.app.inject({ method: 'POST', url: '/v1/invoices', headers, payload: body });
    const second = await api.app.inject({ method: 'POST', url: '/v1/invoices', headers, payload: body });

    expect(first.statusCode).toBe(404);
    expect(second.statusCode).toBe(404);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(second.json()).toEqual(first.json());
  });

  it('runs concurrent requests once', async () => {
    const before = await paymentCount();
    const headers = { ...api.as.write, 'idempotency-key': 'concurrent-1' };

    const responses = await Promise.all(Array.from({ length: 5 }, () => api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: payment('VIR-CONCURRENT') })));

    expect(await paymentCount()).toBe(before + 1);
    const executed = responses.filter((response) => response.statusCode === 201 && response.headers['idempotent-replayed'] === undefined);
    expect(executed).toHaveLength(1);
    for (const response of responses) {
      expect([201, 409]).toContain(response.statusCode);
      if (response.statusCode === 201) expect(response.json()).toEqual(executed[0]!.json());
    }
  });

  it('keeps keys apart per API key', async () => {
    const body = { externalRef: 'IDEM-3', name: 'Troisième SAS' };

    const write = await api.app.inject({ method: 'POST', url: '/v1/customers', headers: { ...api.as.write, 'idempotency-key': 'shared-1' }, payload: body });
    const admin = await api.app.inject({ method: 'POST', url: '/v1/customers', headers: { ...api.as.admin, 'idempotency-key': 'shared-1' }, payload: body });

    expect(write.statusCode).toBe(201);
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['idempotent-replayed']).toBeUndefined();
  });
});
