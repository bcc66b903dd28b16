import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDevEnvironment } from '../support/temporal.js';
import { createTestApi, type TestApi } from './api-app.js';

let environment: TestWorkflowEnvironment;
let api: TestApi;

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/imports/${name}`, import.meta.url));

function multipart(filename: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `relance-${Date.now()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment);
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

describe('POST /v1/imports', () => {
  it('imports an uploaded UBL invoice', async () => {
    const body = multipart('invoice.xml', await readFile(fixture('ubl_cen_tc434_example2.xml')));

    const first = await api.app.inject({ method: 'POST', url: '/v1/imports', payload: body.payload, headers: { ...api.as.write, ...body.headers } });
    const again = await api.app.inject({ method: 'POST', url: '/v1/imports', payload: body.payload, headers: { ...api.as.write, ...body.headers } });

    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ format: 'ubl', committed: true, created: { customers: 1, invoices: 1 }, rejected: [], casesStarted: 0 });
    expect(again.json()).toMatchObject({ created: { customers: 0, invoices: 0, payments: 0 }, unchanged: { customers: 1, invoices: 1 } });
    const invoices = await api.app.inject({ method: 'GET', url: '/v1/invoices', headers: api.as.read });
    expect(invoices.json().items).toHaveLength(1);
  });

  it('answers 400 with the rejected rows', async () => {
    const csv = 'customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date\nC1;Dupont;F-1;EUR;10,00;15/01/2026;\nC1;Dupont;F-2;EUR;-5,00;15/01/2026;\n';
    const body = multipart('bad.csv', Buffer.from(csv));

    const response = await api.app.inject({ method: 'POST', url: '/v1/imports', payload: body.payload, headers: { ...api.as.write, ...body.headers } });
    const partial = await api.app.inject({ method: 'POST', url: '/v1/imports?mode=partial', payload: body.payload, headers: { ...api.as.write, ...body.headers } });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed', report: { committed: false, rejected: [{ line: 3 }] } });
    expect(partial.statusCode).toBe(200);
    expect(partial.json()).toMatchObject({ committed: true, created: { invoices: 1 }, rejected: [{ line: 3 }] });
  });

  it('rejects an unreadable file', async () => {
    const body = multipart('binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));

    const response = await api.app.inject({ method: 'POST', url: '/v1/imports', payload: body.payload, headers: { ...api.as.write, ...body.headers } });
    const readOnly = await api.app.inject({ method: 'POST', url: '/v1/imports', payload: body.payload, headers: { ...api.as.read, ...body.headers } });

    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/^binary\.bin: the file is binary/);
    expect(readOnly.statusCode).toBe(403);
  });
});
