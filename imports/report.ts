import type { z } from 'zod';

import type { ImportFormat, ImportMode, ImportReport, ImportResult, ImportedCustomer, ImportedInvoice, ImportedPayment } from './records.js';
import { importedCustomerSchema, importedInvoiceSchema, importedPaymentSchema } from './records.js';

/** Collects rejected rows and warnings while an importer reads a file. */
export class ReportBuilder {
  rows = 0;
  readonly rejected: ImportReport['rejected'] = [];
  readonly warnings: ImportReport['warnings'] = [];
  private readonly rejectedLines = new Set<number>();

  reject(line: number, reason: string): void {
    this.rejected.push({ line, reason });
    this.rejectedLines.add(line);
  }

  warn(message: string, line?: number): void {
    this.warnings.push(line === undefined ? { message } : { line, message });
  }

  isRejected(line: number): boolean {
    return this.rejectedLines.has(line);
  }

  get rejectedRowCount(): number {
    return this.rejectedLines.size;
  }
}

/** Formats the first zod issue as "field: message" for a rejected row. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid record';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

interface Draft {
  format: ImportFormat;
  customers: ImportedCustomer[];
  invoices: ImportedInvoice[];
  payments: ImportedPayment[];
}

/**
 * Validates every record against its schema once more, then applies the mode: in
 * 'all_or_nothing' a single rejected row empties the result so nothing half-imports.
 */
export function finishImport(draft: Draft, builder: ReportBuilder, mode: ImportMode): ImportResult {
  for (const customer of draft.customers) importedCustomerSchema.parse(customer);
  for (const invoice of draft.invoices) importedInvoiceSchema.parse(invoice);
  for (const payment of draft.payments) importedPaymentSchema.parse(payment);

  const report: ImportReport = {
    rows: builder.rows,
    accepted: builder.rows - builder.rejectedRowCount,
    rejected: builder.rejected,
    warnings: builder.warnings,
  };

  if (mode === 'all_or_nothing' && builder.rejected.length > 0) {
    report.accepted = 0;
    report.warnings.push({
      message: `nothing imported because ${builder.rejectedRowCount} row(s) were rejected: fix them, or import in 'partial' mode`,
    });
    return { format: draft.format, customers: [], invoices: [], payments: [], report };
  }

  return { ...draft, report };
}
