import { inflateSync } from 'node:zlib';

import { ImportFileError } from './records.js';

// File names that Factur-X 1.0, ZUGFeRD 2.x and XRechnung give to the embedded invoice.
const invoiceFileNames = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml', 'zugferd_invoice.xml'];

/**
 * Largest decompressed embedded file, in bytes. An EN 16931 invoice XML is usually well
 * under 1 MiB, and a deflate stream can expand about a thousand times, so without this
 * limit a 1 MiB PDF could take gigabytes of memory.
 */
export const MAX_EMBEDDED_FILE_BYTES = 16 * 1024 * 1024;

interface PdfStream {
  objectNumber: number;
  dictionary: string;
  data: Buffer;
}

function readStreams(pdf: Buffer): PdfStream[] {
  const source = pdf.toString('latin1');
  const streams: PdfStream[] = [];
  const objectPattern = /(\d+)\s+\d+\s+obj\b([\s\S]*?)\bstream\r?\n/g;

  for (let match = objectPattern.exec(source); match !== null; match = objectPattern.exec(source)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endstream', start);
    if (end < 0) break;
    streams.push({ objectNumber: Number(match[1]), dictionary: match[2] ?? '', data: pdf.subarray(start, end) });
    objectPattern.lastIndex = end;
  }
  return streams;
}

function decodeStream(stream: PdfStream): Buffer | undefined {
  if (!/\/Filter/.test(stream.dictionary)) return stream.data;
  if (!/\/Filter\s*\[?\s*\/FlateDecode\s*\]?/.test(stream.dictionary)) return undefined;
  try {
    // Unflushed trailing bytes (the end-of-line before 'endstream') are tolerated.
    return inflateSync(stream.data, { finishFlush: 2, maxOutputLength: MAX_EMBEDDED_FILE_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImportFileError(
        'unreadable',
        `an embedded file of the PDF expands beyond the limit of ${MAX_EMBEDDED_FILE_BYTES} bytes once decompressed: export the invoice again, or import its XML alone`,
      );
    }
    return undefined;
  }
}

/** Maps object numbers of embedded files to their names, from the file specifications (/EF) in plain objects. */
function embeddedFileNames(pdf: Buffer): Map<number, string> {
  const source = pdf.toString('latin1');
  const names = new Map<number, string>();
  const specPattern = /\/Type\s*\/Filespec([\s\S]*?)endobj/g;
  for (let match = specPattern.exec(source); match !== null; match = specPattern.exec(source)) {
    const body = match[1] ?? '';
    const name = /\/UF\s*\(([^)]*)\)/.exec(body)?.[1] ?? /\/F\s*\(([^)]*)\)/.exec(body)?.[1];
    const reference = /\/EF\s*<<[^>]*?\/F\s+(\d+)\s+\d+\s+R/.exec(body)?.[1];
    if (name !== undefined && reference !== undefined) names.set(Number(reference), name);
  }
  return names;
}

/**
 * Extracts the invoice XML embedded in a Factur-X / ZUGFeRD PDF (PDF/A-3 attachment).
 * NOTE: file specifications kept inside compressed object streams are not read, so the
 * attachment is then chosen by content (the first XML that is a CII invoice).
 */
export function extractEmbeddedInvoiceXml(pdf: Buffer): { fileName?: string; xml: Buffer } {
  if (/\/Encrypt\s/.test(pdf.subarray(Math.max(0, pdf.length - 4096)).toString('latin1'))) {
    throw new ImportFileError('unreadable', 'the PDF is encrypted: export the invoice again without a password');
  }

  const names = embeddedFileNames(pdf);
  const candidates: Array<{ fileName?: string; xml: Buffer }> = [];
  for (const stream of readStreams(pdf)) {
    const isEmbeddedFile = /\/Type\s*\/EmbeddedFile/.test(stream.dictionary) || names.has(stream.objectNumber);
    if (!isEmbeddedFile) continue;
    const data = decodeStream(stream);
    if (data === undefined) continue;
    const head = data.subarray(0, 4096).toString('utf8');
    if (/<([A-Za-z0-9]+:)?(CrossIndustryInvoice|Invoice|CreditNote)\b/.test(data.toString('utf8')) || head.includes('<?xml')) {
      candidates.push({ fileName: names.get(stream.objectNumber), xml: data });
    }
  }

  const named = candidates.find((candidate) => invoiceFileNames.includes(candidate.fileName?.toLowerCase() ?? ''));
  const chosen = named ?? candidates.find((candidate) => candidate.xml.includes('CrossIndustryInvoice')) ?? candidates[0];
  if (chosen === undefined) {
    throw new ImportFileError('invalid_document', 'the PDF has no embedded invoice XML (factur-x.xml): it is no Factur-X or ZUGFeRD invoice');
  }
  return chosen;
}
