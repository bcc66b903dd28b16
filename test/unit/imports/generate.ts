import { Readable } from 'node:stream';

/** Rows of the public accounts-receivable history layout, with the figures they encode. */
export interface ReceivableRow {
  customerId: string;
  invoiceNumber: string;
  amountCents: number;
  invoiceDate: Date;
  dueDate: Date;
  settledDate: Date;
  disputed: boolean;
}

const header = 'countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate';

function usDate(date: Date): string {
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
}

/** Generates `count` rows from a fixed seed, so every run writes the same file. */
export function generateReceivableRows(count: number): ReceivableRow[] {
  let seed = 20130102;
  const next = (modulo: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % modulo;
  };

  return Array.from({ length: count }, (_, index) => {
    const invoiceDate = new Date(Date.UTC(2013, next(12), 1 + next(28)));
    const dueDate = new Date(invoiceDate.getTime() + 30 * 86_400_000);
    const settledDate = new Date(invoiceDate.getTime() + (5 + next(50)) * 86_400_000);
    return {
      customerId: `${1000 + next(5)}-ABCDE`,
      invoiceNumber: String(600000 + index * 7919),
      amountCents: 1000 + next(9_000_00),
      invoiceDate,
      dueDate,
      settledDate,
      disputed: next(4) === 0,
    };
  });
}

export function receivableCsv(rows: ReceivableRow[]): string {
  const lines = rows.map((row) => {
    const daysToSettle = Math.round((row.settledDate.getTime() - row.invoiceDate.getTime()) / 86_400_000);
    const daysLate = Math.max(0, Math.round((row.settledDate.getTime() - row.dueDate.getTime()) / 86_400_000));
    return [
      '391', row.customerId, '4/6/2013', row.invoiceNumber, usDate(row.invoiceDate), usDate(row.dueDate),
      (row.amountCents / 100).toFixed(2), row.disputed ? 'Yes' : 'No', usDate(row.settledDate), 'Electronic', daysToSettle, daysLate,
    ].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function streamOf(content: string | Buffer): Readable {
  return Readable.from([typeof content === 'string' ? Buffer.from(content, 'utf8') : content]);
}
