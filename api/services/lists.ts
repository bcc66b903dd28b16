import type postgres from 'postgres';
import { z } from 'zod';

import type { Sql } from '../../db/client.js';
import { ApiError } from '../errors.js';

// Cursor pagination shared by every list. Rows are ordered by one sort expression, then
// by id, so the order is total and stable while rows are added. The cursor is opaque to
// clients: base64url JSON of the sort, its direction and the last row's sort value (read
// as text by PostgreSQL, so timestamps keep their microseconds) and id.

export const MAX_PAGE_SIZE = 200;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50).describe(`Rows per page, at most ${MAX_PAGE_SIZE}`),
  cursor: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected the nextCursor of the previous page').max(2000).optional().describe('The nextCursor of the previous page'),
});

export type Fragment = postgres.PendingQuery<postgres.Row[]>;

export interface SortColumn {
  /** SQL expression over the base query's columns; never null, so that keyset comparison holds. */
  expression: Fragment;
  /** PostgreSQL type the cursor's text value is cast back to. */
  type: 'bigint' | 'integer' | 'date' | 'timestamptz' | 'text';
}

interface Cursor {
  sort: string;
  value: string;
  id: string;
}

const cursorSchema = z.object({ sort: z.string(), value: z.string(), id: z.uuid() });

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(text: string, sort: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new ApiError('validation_failed', 'invalid cursor: pass the nextCursor of the previous page unchanged', { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] });
  if (result.data.sort !== sort) {
    throw new ApiError('validation_failed', `the cursor belongs to a list sorted by ${result.data.sort}, not ${sort}: keep the same sort while paging`, {
      errors: [{ path: 'querystring.cursor', message: 'cursor of another sort' }],
    });
  }
  return result.data;
}

/** Joins conditions with "and"; an empty list is true. */
export function allOf(sql: Sql, conditions: Fragment[]): Fragment {
  return conditions.reduce((combined, condition) => sql`${combined} and (${condition})`, sql`true`);
}

export interface PageRequest {
  base: Fragment;
  where: Fragment[];
  /** Sort name as the client sent it: a column key, with a leading "-" for descending. */
  sort: string;
  columns: Record<string, SortColumn>;
  limit: number;
  cursor?: string;
}

export interface Page<Row> {
  items: Row[];
  nextCursor: string | null;
}

/** Reads one page of `base` filtered by `where`, after the cursor's row. */
export async function readPage<Row extends { id: string }>(sql: Sql, request: PageRequest): Promise<Page<Row>> {
  const descending = request.sort.startsWith('-');
  const key = descending ? request.sort.slice(1) : request.sort;
  const column = request.columns[key];
  if (!column) throw new ApiError('validation_failed', `unknown sort "${request.sort}": expected one of ${Object.keys(request.columns).join(', ')}, optionally after "-"`);

  const direction = sql.unsafe(descending ? 'desc' : 'asc');
  const conditions = [...request.where];
  if (request.cursor !== undefined) {
    const cursor = decodeCursor(request.cursor, request.sort);
    const after = sql`(${column.expression}, base.id) ${sql.unsafe(descending ? '<' : '>')} (${cursor.value}::text::${sql.unsafe(column.type)}, ${cursor.id}::uuid)`;
    conditions.push(after);
  }

  const rows = await sql<(Row & { sort_value: string })[]>`
    select base.*, (${column.expression})::text as sort_value
    from (${request.base}) as base
    where ${allOf(sql, conditions)}
    order by ${column.expression} ${direction}, base.id ${direction}
    limit ${request.limit + 1}`;

  const hasMore = rows.length > request.limit;
  const pageRows = hasMore ? rows.slice(0, request.limit) : rows;
  const last = pageRows.at(-1);
  const items = pageRows.map(({ sort_value: _sortValue, ...row }) => row as unknown as Row);
  return { items, nextCursor: hasMore && last ? encodeCursor({ sort: request.sort, value: last.sort_value, id: last.id }) : null };
}

/** Builds a "sort" query parameter limited to the given column keys, ascending or descending. */
export function sortSchema(keys: readonly [string, ...string[]], fallback: string) {
  const allowed = keys.flatMap((key) => [key, `-${key}`]) as [string, ...string[]];
  return z.enum(allowed).default(fallback).describe('Sort column; a leading "-" sorts descending. Rows with equal values are ordered by id.');
}
