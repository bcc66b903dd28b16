import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { importFile } from '../../imports/detect.js';

/** Largest original PDF kept; a larger file is imported but not kept. */
const MAX_ORIGINAL_BYTES = 20 * 1024 * 1024;

/**
 * Passes a file through unchanged while keeping its bytes when it is a PDF, so that an
 * imported Factur-X invoice can be served as its original on the customer portal.
 */
export function captureOriginal(source: string | Readable): { stream: Readable; original: () => Buffer | null } {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  const chunks: Buffer[] = [];
  let size = 0;
  let isPdf: boolean | null = null;
  const tee = new PassThrough();
  input.on('data', (chunk: Buffer) => {
    if (isPdf === null) isPdf = chunk.subarray(0, 5).toString('latin1') === '%PDF-';
    if (isPdf && size + chunk.length <= MAX_ORIGINAL_BYTES) chunks.push(chunk);
    size += chunk.length;
  });
  input.on('error', (error: Error) => tee.destroy(error));
  input.pipe(tee);
  return { stream: tee, original: () => (isPdf && size <= MAX_ORIGINAL_BYTES ? Buffer.concat(chunks) : null) };
}

type ImportResult = Awaited<ReturnType<typeof importFile>>;

/**
 * Stores the original PDF of a Factur-X import under DATA_DIR/originals, named by its
 * SHA-256, and points each imported invoice at it (`source.originalPdfPath`, relative to DATA_DIR).
 */
export async function keepOriginal(result: ImportResult, original: Buffer | null, dataDir: string): Promise<void> {
  if (!original || result.format !== 'factur-x') return;
  const name = `${createHash('sha256').update(original).digest('hex')}.pdf`;
  await mkdir(path.join(dataDir, 'originals'), { recursive: true });
  await writeFile(path.join(dataDir, 'originals', name), original);
  for (const invoice of result.invoices) {
    (invoice.source as Record<string, unknown>).originalPdfPath = path.join('originals', name);
  }
}
