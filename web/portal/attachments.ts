import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Sql } from '../../db/client.js';

// Files that customers attach to a dispute or a proof of payment. Only PDF, PNG and
// JPEG are kept, recognised by their first bytes whatever the name or declared type
// says; each is stored under DATA_DIR/attachments with a random name and is never
// served back through the portal.

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 3;

export type AttachmentMediaType = 'application/pdf' | 'image/png' | 'image/jpeg';

export interface UploadedFile {
  originalName: string;
  bytes: Buffer;
  /** True when the file was cut at MAX_ATTACHMENT_BYTES. */
  truncated: boolean;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
  /** More file parts than MAX_ATTACHMENTS were sent; the extra ones were read and dropped. */
  tooManyFiles: boolean;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Recognises a PDF, PNG or JPEG by its magic bytes; returns null for anything else. */
export function detectMediaType(bytes: Buffer): AttachmentMediaType | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Reads a multipart request into memory: text fields, and at most MAX_ATTACHMENTS non-empty files of MAX_ATTACHMENT_BYTES each. */
export async function readMultipartForm(request: FastifyRequest): Promise<MultipartForm> {
  const form: MultipartForm = { fields: {}, files: [], tooManyFiles: false };
  // throwFileSizeLimit is read per call at run time (@fastify/multipart 10.1) though its type omits it.
  const options = { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS + 1, fields: 40, fieldSize: 8192 }, throwFileSizeLimit: false };
  const parts = request.parts(options as Parameters<FastifyRequest['parts']>[0]);
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string' && !(part.fieldname in form.fields)) form.fields[part.fieldname] = part.value;
        continue;
      }
      const bytes = await part.toBuffer();
      // A file input left empty still sends a part without a name and without bytes.
      if (part.filename === '' && bytes.length === 0) continue;
      if (form.files.length >= MAX_ATTACHMENTS) {
        form.tooManyFiles = true;
        continue;
      }
      form.files.push({ originalName: part.filename.slice(0, 200), bytes, truncated: part.file.truncated });
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'FST_FILES_LIMIT') throw error;
    form.tooManyFiles = true;
  }
  return form;
}

export type FileProblem = { kind: 'too_large' | 'wrong_type'; name: string };

/** Checks each file's size and type; returns the first problem, or null when every file is acceptable. */
export function checkFiles(files: UploadedFile[]): FileProblem | null {
  for (const file of files) {
    if (file.truncated || file.bytes.length > MAX_ATTACHMENT_BYTES) return { kind: 'too_large', name: file.originalName };
    if (file.bytes.length === 0 || detectMediaType(file.bytes) === null) return { kind: 'wrong_type', name: file.originalName };
  }
  return null;
}

/**
 * Writes checked files under `<dataDir>/attachments` and records them. A form sent twice
 * stores its files once: the row is keyed by the form and the file's position.
 */
export async function storeAttachments(
  sql: Sql,
  dataDir: string,
  owner: { formId: string; customerId: string; invoiceId: string; purpose: 'dispute' | 'payment_proof' },
  files: UploadedFile[],
): Promise<string[]> {
  const directory = path.resolve(dataDir, 'attachments');
  await mkdir(directory, { recursive: true, mode: 0o700 });

  const ids: string[] = [];
  for (const [position, file] of files.entries()) {
    const mediaType = detectMediaType(file.bytes);
    if (!mediaType) throw new Error(`attachment ${position} of form ${owner.formId} is not a PDF, PNG or JPEG: check it with checkFiles first`);
    const storageName = randomBytes(24).toString('hex');
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');

    const [row] = await sql<{ id: string; storage_name: string }[]>`
      insert into portal_attachments (form_id, position, customer_id, invoice_id, purpose, storage_name, original_name, media_type, size_bytes, sha256)
      values (${owner.formId}, ${position}, ${owner.customerId}, ${owner.invoiceId}, ${owner.purpose}, ${storageName}, ${file.originalName || 'file'},
              ${mediaType}, ${file.bytes.length}, ${sha256})
      on conflict (form_id, position) do update set form_id = excluded.form_id
      returning id, storage_name`;
    if (!row) throw new Error(`attachment ${position} of form ${owner.formId} could not be recorded`);
    if (row.storage_name === storageName) await writeFile(path.join(directory, storageName), file.bytes, { mode: 0o600, flag: 'wx' });
    ids.push(row.id);
  }
  return ids;
}
