import { createHash } from 'node:crypto';
import type { UploadedFile } from '@/shared/database/prisma/index.js';
import { BlobNotFoundError } from '@/shared/storage/index.js';
import { PdfError } from '@/pdf/errors.js';
import { inspectIsolated } from '@/pdf/engine-pool.js';
import { readAll } from '@/shared/storage/read.js';
import type { Deps } from '@/services/context.js';
import { type FileMetadata } from './metadata.js';

/** Uploads are bounded by config; the page bound and time bound keep inspection of hostile files short. */
const MAX_PAGES = 2000;
const INSPECT_TIMEOUT_MS = 20_000;

/**
 * The file-processing job: reads the uploaded blob, inspects it (pages, sizes, AcroForm fields) and
 * stores the result in the file's metadata with status 'ready'; an unusable PDF (not a PDF, empty,
 * corrupt, needs a password, too many pages) becomes status 'failed' with `metadata.error`.
 *
 * Idempotent: a file already 'ready' or 'failed' is returned unchanged, so a redelivered message
 * does nothing; a crash while 'processing' is simply redone (inspection is deterministic).
 * Transient errors (storage, database) throw, for the queue to retry. NotFoundError when the file
 * row is gone (deleted meanwhile) — the queue handler treats that as done.
 */
export async function processFile(
  services: Deps<'config' | 'repos' | 'blobs'>,
  message: { fileId: string; userId: string },
  /** The stored bytes when the caller still holds them (a multipart upload): not read back. */
  stored?: Uint8Array,
): Promise<UploadedFile> {
  const { repos, blobs, config } = services;
  const { fileId, userId } = message;
  const file = await repos.files.getOwned(userId, fileId);
  if (file.status === 'ready' || file.status === 'failed') return file;
  if (file.status !== 'processing') await repos.files.updateStatus(userId, fileId, 'processing');

  let bytes: Uint8Array;
  try {
    bytes = stored ?? (await readAll(blobs, 'uploads', file.s3Key, config.limits.maxUploadBytes));
  } catch (err) {
    if (err instanceof BlobNotFoundError)
      return fail(services, file, { code: 'file_missing', message: 'The uploaded bytes are missing from storage' });
    throw err;
  }
  // A multipart upload was hashed while it streamed in (the row carries it): hashing the whole file
  // again here would block the API's thread for ~10 ms per 4 MB. Signed uploads arrive unhashed.
  const sha256 = file.sha256 ?? createHash('sha256').update(bytes).digest('hex');
  let result;
  try {
    result = await inspectIsolated(
      bytes,
      { limits: { maxBytes: config.limits.maxUploadBytes, maxPages: MAX_PAGES, timeoutMs: INSPECT_TIMEOUT_MS } },
      config.engine,
      // Nothing reads the bytes after this: they move to the inspection thread instead of being copied.
      true,
    );
  } catch (err) {
    if (err instanceof PdfError) return fail(services, file, { code: err.code, message: err.message }, { sha256 });
    throw err;
  }
  const metadata: FileMetadata = {
    pageCount: result.pageCount,
    pages: result.pages.map((p) => ({ width: p.width, height: p.height, rotation: p.rotation })),
    formFields: result.suggestedFields,
    sha256,
    pdfVersion: result.pdfVersion,
    encrypted: result.encrypted,
    xfa: result.xfa,
    xfaOnly: result.xfaOnly,
    notes: result.notes,
  };
  await repos.files.updateMetadata(userId, fileId, JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>);
  return repos.files.updateStatus(userId, fileId, 'ready');
}

async function fail(
  services: Deps<'config' | 'repos' | 'blobs'>,
  file: UploadedFile,
  error: { code: string; message: string },
  extra: Record<string, unknown> = {},
): Promise<UploadedFile> {
  await services.repos.files.updateMetadata(file.userId, file.id, { ...extra, error });
  return services.repos.files.updateStatus(file.userId, file.id, 'failed');
}
