import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { ImportFileError, importFormatSchema } from '../../imports/records.js';
import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { errorResponses } from '../schemas.js';
import { startCaseForInvoice } from '../services/cases.js';
import { importIntoLedger } from '../services/imports.js';

const countsSchema = z.object({ customers: z.number().int(), invoices: z.number().int(), creditNotes: z.number().int(), payments: z.number().int() });

export const importReportSchema = z.object({
  format: importFormatSchema,
  mode: z.enum(['all_or_nothing', 'partial']),
  committed: z.boolean().describe('false when an all-or-nothing import had a rejected row and wrote nothing'),
  rows: z.number().int(),
  created: countsSchema.extend({ allocations: z.number().int() }),
  updated: z.object({ customers: z.number().int(), invoices: z.number().int() }),
  unchanged: countsSchema,
  rejected: z.array(z.object({ line: z.number().int().describe('Line in the file; 0 when the record has none'), reason: z.string() })),
  warnings: z.array(z.object({ line: z.number().int().optional(), message: z.string() })),
  casesStarted: z.number().int(),
});

const importQuerySchema = z.object({
  format: importFormatSchema.optional().describe('Detected from the content when absent'),
  preset: z.string().trim().min(1).max(60).optional().describe('CSV column preset'),
  mode: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing'),
  currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('Currency of rows without one'),
  paymentTermsDays: z.coerce.number().int().min(0).max(365).optional(),
  startCases: z.enum(['true', 'false']).default('false').describe('Start the dunning case of each new open invoice'),
});

export function registerImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { sql, temporal } = deps;
  const maxFileBytes = deps.env.IMPORT_MAX_BYTES;
  const tooLarge = (fileName: string) =>
    new ApiError('payload_too_large', `${fileName} is larger than the import limit of ${maxFileBytes} bytes (IMPORT_MAX_BYTES); nothing was imported: split the file and import each part`);

  void app.register(async (scoped) => {
    if (!scoped.hasRequestDecorator('isMultipart')) await scoped.register(multipart, { limits: { files: 1, fileSize: maxFileBytes } });
    const routes = scoped.withTypeProvider<ZodTypeProvider>();

    routes.post(
      '/v1/imports',
      {
        schema: {
          summary: 'Import customers, invoices, credit notes and payments from a file',
          description:
            'multipart/form-data with one file field: CSV, FEC, Factur-X PDF, CII or UBL XML. The file is streamed. A re-import changes nothing (natural keys). ' +
            'In all_or_nothing mode a rejected row writes nothing and answers 400 with the report; in partial mode good rows are committed and bad rows listed.',
          tags: ['imports'],
          consumes: ['multipart/form-data'],
          querystring: importQuerySchema,
          response: { 200: importReportSchema, ...errorResponses },
        },
      },
      async (request) => {
        if (!request.isMultipart()) throw new ApiError('validation_failed', 'send the file as multipart/form-data with one file field');
        const file = await request.file().catch((error: unknown) => {
          request.log.warn({ error: (error as Error).message }, 'import body is not readable multipart');
          throw new ApiError('validation_failed', `the multipart body could not be read (${(error as Error).message}): send multipart/form-data with its boundary and one file field`);
        });
        if (!file) throw new ApiError('validation_failed', 'the multipart body has no file: add one file field');
        const query = request.query;
        // A file cut at the limit would otherwise be parsed and stored in part: fail its stream
        // instead. The multipart parser may have reached the limit before this handler runs.
        if (file.file.truncated) throw tooLarge(file.filename);
        file.file.once('limit', () => file.file.destroy(new ImportFileError('unreadable', `the file is larger than ${maxFileBytes} bytes`)));

        let report;
        try {
          report = await importIntoLedger(sql, file.file, {
            format: query.format,
            preset: query.preset,
            mode: query.mode,
            currency: query.currency,
            paymentTermsDays: query.paymentTermsDays,
            dataDir: deps.env.DATA_DIR,
          });
        } catch (error) {
          if (file.file.truncated) throw tooLarge(file.filename);
          if (error instanceof ImportFileError) throw new ApiError('validation_failed', `${file.filename}: ${error.message}`, { reason: error.code });
          throw error;
        }
        if (file.file.truncated) throw tooLarge(file.filename);

        let casesStarted = 0;
        if (report.committed && query.startCases === 'true') {
          for (const invoiceId of report.openInvoiceIds) {
            await startCaseForInvoice(sql, temporal, invoiceId);
            casesStarted += 1;
          }
        }
        const { openInvoiceIds: _openInvoiceIds, ...rest } = report;
        request.log.info({ file: file.filename, format: report.format, committed: report.committed, created: report.created, rejected: report.rejected.length }, 'import applied');
        if (!report.committed && report.rejected.length > 0) {
          throw new ApiError('validation_failed', `${file.filename}: ${report.rejected.length} row(s) rejected, nothing imported: fix them, or import with mode=partial`, { report: { ...rest, casesStarted } });
        }
        return { ...rest, casesStarted };
      },
    );
  });
}
