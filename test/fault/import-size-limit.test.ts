import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApi, type TestApi } from '../integration/api-app.js';
import { createDevEnvironment } from '../support/temporal.js';

const LIMIT_BYTES = 16 * 1024;

let environment: TestWorkflowEnvironment;
let api: TestApi;

beforeAll(async () => {
  environment = await createDevEnvironment();
  api = await createTestApi(environment, undefined, { IMPORT_MAX_BYTES: String(LIMIT_BYTES) });
});

afterAll(async () => {
  await api?.close();
  await environment?.teardown();
});

/** Builds a CSV of `rows` valid invoices of one customer, about 70 bytes a row. */
function invoicesCsv(rows: number): Buffer {
  const lines = Array.from({ length: rows }, (_, index) => `C-SIZE;Dupont SARL;F-SIZE-${index + 1};EUR;100,00;05/01/2026;04/02/2026`);
  return Buffer.from(['customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date', ...lines].join('\n'));
}

async function upload(content: Buffer) {
  const boundary = `relance-${Date.now()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="invoices.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return api.app.inject({
    method: 'POST',
    url: '/v1/imports?mode=partial',
    payload,
    headers: { ...api.as.write, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function invoiceCount(): Promise<number> {
  const [row] = await api.database.sql<{ count: number }[]>`select count(*)::int as count from invoices`;
  return row?.count ?? -1;
}

describe('import size limit', () => {
  it('rejects a file above it', async () => {
    const content = invoicesCsv(600);

    const response = await upload(content);

    expect(content.length).toBeGreaterThan(LIMIT_BYTES);
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().detail).toContain(`import limit of ${LIMIT_BYTES} bytes (IMPORT_MAX_BYTES)`);
    expect(await invoiceCount()).toBe(0);
  });

  it('imports a file below it', async () => {
    const content = invoicesCsv(100);

    const response = await upload(content);

    expect(content.length).toBeLessThan(LIMIT_BYTES);
    expect(response.statusCode, response.body).toBe(200);
    expect(await invoiceCount()).toBe(100);
  });
});
