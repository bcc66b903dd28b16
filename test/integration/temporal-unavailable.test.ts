// With Temporal stopped, a request that needs a case returns 503 with Retry-After, instead of
// a bare 500, and the invoice it concerns stays stored.
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;
let invoiceId: string;
let connection: Connection;

beforeAll(async () => {
  environment = await createDevEnvironment();
  // A connection of the API's own, which stays open when the server behind it stops.
  connection = await Connection.connect({ address: environment.address });
  api = await createTestApi({ client: new Client({ connection }), connection } as unknown as TestWorkflowEnvironment);
  await api.app.inject({ method: 'POST', url: '/v1/customers', headers: api.as.write, payload: { externalRef: 'DOWN-1', name: 'Down SAS' } });
  const created = await api.app.inject({
    method: 'POST', url: '/v1/invoices', headers: api.as.write,
    payload: { customerRef: 'DOWN-1', number: 'F-DOWN-1', currency: 'EUR', totalMinor: 50_000, issueDate: '2026-01-02', dueDate: '2026-02-01', startCase: false },
  });
  invoiceId = created.json().invoice.id;
  await environment.teardown();
}, 120_000);

afterAll(async () => {
  await api?.close();
  await connection?.close();
});

describe('Temporal unavailable', () => {
  it('returns 503 on case start', { timeout: 120_000 }, async () => {
    const response = await api.app.inject({ method: 'POST', url: `/v1/invoices/${invoiceId}/case`, headers: api.as.write });

    expect(response.statusCode, response.body).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.json()).toMatchObject({ code: 'dependency_unavailable', detail: 'Temporal, which runs the dunning cases, is unavailable: nothing stored was lost; repeat the request in a minute' });
    const invoice = await api.app.inject({ method: 'GET', url: `/v1/invoices/${invoiceId}`, headers: api.as.read });
    expect(invoice.json().invoice).toMatchObject({ number: 'F-DOWN-1', amountDueMinor: 50_000 });
  });
});
