// Import benchmark: generates a CSV of 100,000 invoices in a temporary folder, imports it
// into PostgreSQL through the same code as `relance import`, and prints rows per second,
// peak resident memory and the machine. Uses DATABASE_URL when set (its tables get the
// rows), else a throw-away embedded PostgreSQL. Run: npx tsx bench/import.ts [rows]
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

import { applyImport } from '../api/services/imports.js';
import { connect } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { importFile } from '../imports/detect.js';
import { startEmbeddedPostgres } from '../scripts/postgres.js';

const rowCount = Number(process.argv[2] ?? 100_000);
const customerCount = 2_000;

async function writeCsv(file: string): Promise<void> {
  const output = createWriteStream(file);
  output.write('customer_ref;customer_name;invoice_number;currency;amount;issue_date;due_date\n');
  for (let index = 0; index < rowCount; index += 1) {
    const customer = index % customerCount;
    const day = 1 + (index % 28);
    const month = 1 + (index % 12);
    const cents = 1_000 + ((index * 7_919) % 900_000);
    const line = `C${customer};Client ${customer} SAS;F-${String(index).padStart(7, '0')};EUR;${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')};${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2025;\n`;
    if (!output.write(line)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const directory = await mkdtemp(path.join(os.tmpdir(), 'relance-bench-'));
await chmod(directory, 0o755);
const file = path.join(directory, 'invoices.csv');
let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;

try {
  await writeCsv(file);

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(directory, 'postgres'), port: 54_000 + Math.floor(Math.random() * 900) });
    databaseUrl = embedded.url;
  }
  await migrate(databaseUrl);
  const sql = connect(databaseUrl, { max: 2 });

  const started = performance.now();
  const result = await importFile(file, { mode: 'all_or_nothing', paymentTermsDays: 30 });
  const parsed = performance.now();
  const report = await applyImport(sql, result, 'all_or_nothing');
  const applied = performance.now();
  await sql.end();

  const seconds = (applied - started) / 1000;
  const cpus = os.cpus();
  console.log(
    [
      `rows            ${report.rows} (${report.created.invoices} invoices and ${report.created.customers} customers created, ${report.rejected.length} rejected)`,
      `parse           ${((parsed - started) / 1000).toFixed(1)} s, ${Math.round(report.rows / ((parsed - started) / 1000))} rows/s`,
      `write           ${((applied - parsed) / 1000).toFixed(1)} s, ${Math.round(report.rows / ((applied - parsed) / 1000))} rows/s`,
      `total           ${seconds.toFixed(1)} s, ${Math.round(report.rows / seconds)} rows/s`,
      `peak RSS        ${Math.round(peakRss / 1_048_576)} MiB (sampled every 50 ms)`,
      `machine         ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 1_073_741_824)} GiB, Node ${process.version}, ${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`,
    ].join('\n'),
  );
} finally {
  clearInterval(sampler);
  await embedded?.stop();
  await rm(directory, { recursive: true, force: true });
}
