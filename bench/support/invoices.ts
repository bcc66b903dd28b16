// Invoices for the benchmarks, imported through the same path as `relance import`: a CSV
// of `count` invoices over `customers` customers, each with an e-mail contact when asked.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

import { importIntoLedger } from '../../api/services/imports.js';
import type { Sql } from '../../db/client.js';

export interface InvoiceBatch {
  count: number;
  customers: number;
  /** 'YYYY-MM-DD'; the same for every invoice. */
  issueDate: string;
  dueDate: string;
  /** Prefix of the invoice numbers, so that several batches can share one database. */
  prefix?: string;
}

function frenchDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

async function writeCsv(file: string, batch: InvoiceBatch): Promise<void> {
  const output = createWriteStream(file);
  output.write('customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date\n');
  for (let index = 0; index < batch.count; index += 1) {
    const customer = index % batch.customers;
    const cents = 1_000 + ((index * 7_919) % 900_000);
    const amount = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
    const line = `C${customer};Client ${customer} SAS;${batch.prefix ?? 'F'}-${String(index).padStart(7, '0')};EUR;${amount};${frenchDate(batch.issueDate)};${frenchDate(batch.dueDate)}\n`;
    if (!output.write(line)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
}

/** Imports the batch and returns the ids of its invoices, in number order. */
export async function importInvoices(sql: Sql, directory: string, batch: InvoiceBatch): Promise<string[]> {
  const file = path.join(directory, `${batch.prefix ?? 'F'}-invoices.csv`);
  await writeCsv(file, batch);
  const report = await importIntoLedger(sql, file, { mode: 'all_or_nothing' });
  if (report.rejected.length > 0) throw new Error(`the benchmark CSV had ${report.rejected.length} rejected rows, first: ${JSON.stringify(report.rejected[0])}`);
  const rows = await sql<{ id: string }[]>`select id from invoices where number like ${`${batch.prefix ?? 'F'}-%`} order by number`;
  return rows.map((row) => row.id);
}

/** Gives every customer of the batch an invoicing contact with an e-mail address on a reserved domain. */
export async function addEmailContacts(sql: Sql): Promise<void> {
  await sql`
    insert into contacts (customer_id, role, name, email)
    select id, 'invoicing', name, lower(external_ref) || '@customer.example' from customers`;
}
