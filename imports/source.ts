import { Readable } from 'node:stream';

import iconv from 'iconv-lite';

import { ImportFileError } from './records.js';

export type TextEncoding = 'utf8' | 'windows1252' | 'iso-8859-15';

/** Splits a stream into its first `size` bytes and a stream that replays them, then the rest. */
export async function peekStream(input: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;

  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    chunks.push(chunk);
    length += chunk.length;
  }

  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    }
  }
  return { head: head.subarray(0, size), stream: Readable.from(replay()) };
}

export async function readAll(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses the encoding of a text file from its first bytes: UTF-8 (with or without BOM)
 * when the bytes decode as UTF-8, else `fallback`. Rejects binary content and UTF-16,
 * which accounting exports do not use and which would read as garbage.
 */
export function detectTextEncoding(head: Buffer, fallback: TextEncoding, complete: boolean): { encoding: TextEncoding; bom: boolean } {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw new ImportFileError('unreadable', 'the file is UTF-16: save it again as UTF-8 (or Latin-1) text');
  }
  if (head.includes(0)) {
    throw new ImportFileError('unreadable', 'the file contains binary data (NUL bytes), not text: export it again as CSV or text');
  }

  const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  // A multi-byte character may be cut at the end of the sample, so leave its last 3 bytes out.
  const sample = complete ? head : head.subarray(0, Math.max(0, head.length - 3));
  if (bom || isValidUtf8(sample)) return { encoding: 'utf8', bom };
  return { encoding: fallback, bom: false };
}

export function decodeText(bytes: Buffer, encoding: TextEncoding): string {
  const text = iconv.decode(bytes, encoding);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function decodeStream(input: Readable, encoding: TextEncoding): NodeJS.ReadWriteStream {
  return input.pipe(iconv.decodeStream(encoding, { stripBOM: true }));
}
