import type { TransactionSql } from 'postgres';
import type { Sql } from '../../db/client.js';
import { ApiError, notFound } from '../errors.js';

// The print queue of letters: listing, the PDF, and the postal events an operator records
// (dispatch, then delivery or return). Each event goes to the case history once.

export interface LetterSummary {
  id: string;
  kind: string;
  language: string;
  status: string;
  pages: number;
  provider: string;
  trackingRef: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  customerId: string;
  customerName: string;
  workflowId: string | null;
  queuedAt: string;
  dispatchedAt: string | null;
  receiptAt: string | null;
}

interface LetterRow {
  id: string;
  kind: string;
  language: string;
  status: string;
  pages: number;
  provider: string;
  tracking_ref: string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  customer_id: string;
  customer_name: string;
  workflow_id: string | null;
  queued_at: Date;
  dispatched_at: Date | null;
  receipt_at: Date | null;
}

function toSummary(row: LetterRow): LetterSummary {
  return {
    id: row.id,
    kind: row.kind,
    language: row.language,
    status: row.status,
    pages: row.pages,
    provider: row.provider,
    trackingRef: row.tracking_ref,
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    customerId: row.customer_id,
    customerName: row.customer_name,
    workflowId: row.workflow_id,
    queuedAt: row.queued_at.toISOString(),
    dispatchedAt: row.dispatched_at?.toISOString() ?? null,
    receiptAt: row.receipt_at?.toISOString() ?? null,
  };
}

const SELECT_LETTER = (sql: Sql) => sql`
  select l.id, l.kind, l.language, l.status, l.pages, l.provider, l.tracking_ref, l.invoice_id, i.number as invoice_number,
    l.customer_id, c.name as customer_name, l.workflow_id, l.queued_at, l.dispatched_at, l.receipt_at
  from letters l join customers c on c.id = l.customer_id left join invoices i on i.id = l.invoice_id`;

/** Lists letters, oldest queued first, optionally of one status. */
export async function listLetters(sql: Sql, filter: { status?: string; limit: number }): Promise<LetterSummary[]> {
  const rows = await sql<LetterRow[]>`
    ${SELECT_LETTER(sql)}
    ${filter.status ? sql`where l.status = ${filter.status}` : sql``}
    order by l.queued_at, l.id
    limit ${filter.limit}`;
  return rows.map(toSummary);
}

export async function readLetter(sql: Sql, letterId: string): Promise<LetterSummary> {
  const [row] = await sql<LetterRow[]>`${SELECT_LETTER(sql)} where l.id = ${letterId}`;
  if (!row) throw notFound('letter', letterId);
  return toSummary(row);
}

export async function readLetterPdf(sql: Sql, letterId: string): Promise<{ pdf: Buffer; kind: string; invoiceNumber: string | null }> {
  const [row] = await sql<{ pdf: Buffer; kind: string; invoice_number: string | null }[]>`
    select l.pdf, l.kind, i.number as invoice_number from letters l left join invoices i on i.id = l.invoice_id where l.id = ${letterId}`;
  if (!row) throw notFound('letter', letterId);
  return { pdf: row.pdf, kind: row.kind, invoiceNumber: row.invoice_number };
}

/**
 * Records that a queued letter was posted, closes its print task and writes the event to
 * the case history. Posting an already posted letter changes nothing and returns it.
 */
export async function recordDispatch(
  sql: Sql,
  letterId: string,
  input: { dispatchedAt: string; trackingRef?: string; provider?: string; author: string },
): Promise<LetterSummary> {
  await sql.begin(async (transaction) => {
    const [letter] = await transaction<{ status: string; workflow_id: string | null; invoice_id: string | null; idempotency_key: string }[]>`
      select status, workflow_id, invoice_id, idempotency_key from letters where id = ${letterId} for update`;
    if (!letter) throw notFound('letter', letterId);
    if (letter.status !== 'queued') return;

    await transaction`
      update letters set status = 'dispatched', dispatched_at = ${input.dispatchedAt}, tracking_ref = ${input.trackingRef ?? null},
        provider = coalesce(${input.provider ?? null}, provider), updated_at = now()
      where id = ${letterId}`;
    await transaction`
      update tasks set status = 'done', completed_at = now(), outcome = ${transaction.json({ outcome: 'dispatched', letterId, author: input.author } as never)}
      where idempotency_key = ${letter.idempotency_key} and kind = 'letter' and status = 'open'`;
    if (letter.workflow_id && letter.invoice_id) {
      await insertLetterEvent(transaction, letter.workflow_id, letter.invoice_id, 'letter_dispatched', input.dispatchedAt, `letter/${letterId}/dispatched`, {
        letterId,
        trackingRef: input.trackingRef ?? null,
        author: input.author,
      });
    }
  });
  return readLetter(sql, letterId);
}

/**
 * Records the receipt of a posted letter: the acknowledgement signed by the debtor
 * (delivered) or the letter coming back (returned). Recording the same receipt again
 * changes nothing; a queued letter or a different second receipt is a conflict.
 */
export async function recordReceipt(
  sql: Sql,
  letterId: string,
  input: { outcome: 'delivered' | 'returned'; receivedAt: string; author: string },
): Promise<LetterSummary> {
  await sql.begin(async (transaction) => {
    const [letter] = await transaction<{ status: string; workflow_id: string | null; invoice_id: string | null }[]>`
      select status, workflow_id, invoice_id from letters where id = ${letterId} for update`;
    if (!letter) throw notFound('letter', letterId);
    if (letter.status === input.outcome) return;
    if (letter.status === 'queued') {
      throw new ApiError('conflict', `letter ${letterId} is still queued: record its dispatch with POST /v1/print-queue/${letterId}/dispatch before its receipt`);
    }
    if (letter.status !== 'dispatched') {
      throw new ApiError('conflict', `letter ${letterId} is already ${letter.status}: a letter has one receipt`, { status: letter.status });
    }

    await transaction`
      update letters set status = ${input.outcome}, receipt_at = ${input.receivedAt}, updated_at = now() where id = ${letterId}`;
    if (letter.workflow_id && letter.invoice_id) {
      await insertLetterEvent(transaction, letter.workflow_id, letter.invoice_id, `letter_${input.outcome}`, input.receivedAt, `letter/${letterId}/receipt`, {
        letterId,
        author: input.author,
      });
    }
  });
  return readLetter(sql, letterId);
}

async function insertLetterEvent(
  sql: Sql | TransactionSql,
  workflowId: string,
  invoiceId: string,
  type: string,
  occurredAt: string,
  idempotencyKey: string,
  data: Record<string, unknown>,
): Promise<void> {
  await sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${workflowId}, ${invoiceId}, ${type}, 'operator', ${occurredAt}, ${sql.json(data as never)}, ${idempotencyKey})
    on conflict (idempotency_key) do nothing`;
}
