import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';

import { Command, InvalidArgumentError, Option } from 'commander';

import { startCaseForInvoice } from '../../api/services/cases.js';
import { applyImport, type ApplyReport } from '../../api/services/imports.js';
import { captureOriginal, keepOriginal } from '../../api/services/originals.js';
import { connectTemporal } from '../../api/temporal.js';
import { loadEnv } from '../../config/env.js';
import { importFile } from '../../imports/detect.js';
import { importFormatSchema, type ImportFormat } from '../../imports/records.js';
import { connectDatabase, explainDatabaseError } from '../database.js';
import { ProgressBar } from '../progress.js';

interface ImportOptions {
  format?: ImportFormat;
  preset?: string;
  partial?: boolean;
  startCases?: boolean;
  currency?: string;
  terms?: number;
  json?: boolean;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0 || days > 365) throw new InvalidArgumentError(`expected days from 0 to 365 (got "${value}")`);
  return days;
}

/** Formats the report: counts first, then each rejected row with its line and reason, then warnings. */
export function formatReport(report: ApplyReport, casesStarted: number): string {
  const counts = (label: string, values: Record<string, number>) => `${label.padEnd(10)} ${Object.entries(values).map(([name, count]) => `${name} ${count}`).join(', ')}`;
  const lines = [
    `${report.committed ? 'Imported' : 'Nothing imported from'} a ${report.format} file: ${report.rows} rows read, mode ${report.mode}`,
    counts('created', report.created),
    counts('updated', report.updated),
    counts('unchanged', report.unchanged),
    `rejected   ${report.rejected.length}`,
    ...report.rejected.map((row) => `  line ${row.line}: ${row.reason}`),
    ...report.warnings.slice(0, 20).map((warning) => `  warning${warning.line === undefined ? '' : ` line ${warning.line}`}: ${warning.message}`),
    ...(report.warnings.length > 20 ? [`  … and ${report.warnings.length - 20} more warnings (--json lists them all)`] : []),
  ];
  if (casesStarted > 0) lines.push(`cases started ${casesStarted}`);
  return `${lines.join('\n')}\n`;
}

async function runImport(file: string, options: ImportOptions): Promise<void> {
  const size = (await stat(file)).size;
  const progress = new ProgressBar();
  let bytesRead = 0;
  let rowsRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesRead += chunk.length;
      progress.update(size === 0 ? 1 : bytesRead / size, `${rowsRead} rows read`);
      callback(null, chunk);
    },
  });

  const mode = options.partial ? 'partial' : 'all_or_nothing';
  const capture = captureOriginal(createReadStream(file).pipe(counter));
  const result = await importFile(capture.stream, {
    format: options.format,
    preset: options.preset,
    mode,
    currency: options.currency,
    paymentTermsDays: options.terms,
    onProgress: ({ rows }) => {
      rowsRead = rows;
    },
  });
  progress.done(`${result.report.rows} rows read; writing to the database`);
  await keepOriginal(result, capture.original(), loadEnv().DATA_DIR);

  const { sql, url } = connectDatabase();
  let report: ApplyReport;
  let casesStarted = 0;
  try {
    report = await applyImport(sql, result, mode);
    if (options.startCases && report.committed && report.openInvoiceIds.length > 0) {
      const temporal = await connectTemporal(loadEnv());
      try {
        for (const [index, invoiceId] of report.openInvoiceIds.entries()) {
          await startCaseForInvoice(sql, temporal, invoiceId);
          casesStarted += 1;
          progress.update((index + 1) / report.openInvoiceIds.length, `${casesStarted} cases started`);
        }
        progress.done(`${casesStarted} cases started`);
      } finally {
        await temporal.close();
      }
    }
  } catch (error) {
    throw new Error(explainDatabaseError(error, url), { cause: error });
  } finally {
    await sql.end({ timeout: 5 });
  }

  const { openInvoiceIds: _openInvoiceIds, ...printable } = report;
  process.stdout.write(options.json ? `${JSON.stringify({ ...printable, casesStarted }, null, 2)}\n` : formatReport(report, casesStarted));
  if (!report.committed) process.exitCode = 1;
}

export function importCommand(): Command {
  return new Command('import')
    .description('Import customers, invoices, credit notes and payments from a CSV, FEC, Factur-X, CII or UBL file; a re-import changes nothing')
    .argument('<file>', 'file to import')
    .addOption(new Option('--format <format>', 'format of the file, detected from its content when absent').choices(importFormatSchema.options))
    .option('--preset <preset>', 'CSV column preset, such as accounts-receivable-history')
    .option('--partial', 'commit the good rows and list the bad ones, instead of importing nothing when a row is rejected')
    .option('--start-cases', 'start the dunning case of each new invoice with an amount due (needs Temporal)')
    .option('--currency <code>', 'ISO 4217 currency of rows without one')
    .option('--terms <days>', 'payment terms in days for invoices without a due date', parseDays)
    .option('--json', 'print the report as JSON')
    .action(runImport);
}
