import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Services } from '@/services/context.js';
import type { UploadedFile } from '@/shared/database/prisma/index.js';
import { AppError, ConflictError, isErrorCode, ValidationError } from '@/shared/errors.js';
import { BlobTooLargeError } from '@/shared/storage/index.js';
import { fileMetadata } from './metadata.js';
import { processFile } from './process.js';
import { uploadKey } from '@/services/blob-keys.js';
import { PdfSniffer } from './sniff.js';

/** Signed upload and download URLs live this long. */
export const SIGNED_URL_TTL_SECONDS = 15 * 60;

export function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', `The file is larger than the limit of ${maxBytes} bytes`, { maxBytes });
}

function safeFilename(name: string): string {
  // The name is only shown and used in Content-Disposition; keep it printable and short.
  const base = path
    .basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'document.pdf').slice(0, 255);
}

/**
 * Multipart upload: streams the part through the type sniffer into the uploads bucket (bounded by
 * maxUploadBytes; nothing is stored when a bound trips), records the row, then runs the
 * file-processing job inline so a bad PDF answers 4xx now (and leaves nothing behind).
 */
export async function uploadStream(services: Services, userId: string, input: { filename: string; body: Readable }): Promise<UploadedFile> {
  const { blobs, config, repos } = services;
  const max = config.limits.maxUploadBytes;
  const key = uploadKey(userId);
  const sniffer = new PdfSniffer();
  input.body.on('error', (err) => sniffer.destroy(err));
  // busboy (multipart) does not fail the part stream at its size limit: it emits 'limit' and truncates.
  input.body.on('limit', () => sniffer.fail(fileTooLarge(max)));
  // The failure is kept on the sniffer and rethrown below; a late second 'error' emission after the
  // storage pipeline has settled must not become an uncaught exception.
  sniffer.on('error', () => undefined);
  // A multipart body that ends without its closing boundary fails the part with busboy's error,
  // possibly before these listeners were attached (the whole body arrived at once): the part is
  // then already destroyed, and piping it would wait forever. A part destroyed without an error
  // (the client went away) is the same case.
  const unfinished = () => new AppError('mp_premature_close', 'The request ended before the multipart body was complete');
  if (input.body.errored || (input.body.destroyed && !input.body.readableEnded)) {
    input.body.resume();
    throw unfinished();
  }
  input.body.on('close', () => {
    if (!input.body.readableEnded) sniffer.destroy(unfinished());
  });
  try {
    await blobs.put('uploads', key, input.body.pipe(sniffer), { contentType: 'application/pdf', maxBytes: max });
  } catch (err) {
    // Let the parser drain the rest of the request, so the client reads our answer instead of a reset.
    input.body.resume();
    await blobs.delete('uploads', key).catch(() => undefined);
    // The parser failed the part (busboy's untyped "Unexpected end of multipart data"): the body
    // was cut short. Our own verdicts on what did arrive (not a PDF, too large) come first.
    if (input.body.errored && !(sniffer.failure instanceof AppError) && !(err instanceof BlobTooLargeError)) throw unfinished();
    if (sniffer.failure) throw sniffer.failure;
    if (err instanceof BlobTooLargeError || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || sniffer.bytes > max)
      throw fileTooLarge(max);
    throw err;
  }
  // …and when the part was parsed before we listened, only `truncated` tells.
  if ((input.body as { truncated?: boolean }).truncated) {
    await blobs.delete('uploads', key);
    throw fileTooLarge(max);
  }
  const filename = safeFilename(input.filename);
  const row = await repos.files.create({
    userId,
    originalFilename: filename,
    storedFilename: path.posix.basename(key),
    filePath: key,
    s3Bucket: config.storage.buckets.uploads,
    s3Key: key,
    fileSize: BigInt(sniffer.bytes),
    mimeType: 'application/pdf',
    sha256: sniffer.sha256,
    status: 'uploaded',
    metadata: {},
  });
  return processOrReject(services, row, { removeOnError: true, bytes: sniffer.contents() });
}

/**
 * Runs the job; a PDF it rejects is removed (row and blob) and answered with its code. On a
 * transient failure a multipart upload is removed too (the client has to send it again anyway),
 * while a signed upload stays, so confirming again retries.
 */
export async function processOrReject(
  services: Services,
  row: UploadedFile,
  options: { removeOnError: boolean; bytes?: Uint8Array },
): Promise<UploadedFile> {
  let file: UploadedFile;
  try {
    file = await processFile(services, { fileId: row.id, userId: row.userId }, options.bytes);
  } catch (err) {
    if (options.removeOnError) await removeFile(services, row).catch(() => undefined);
    throw err;
  }
  if (file.status !== 'failed') return file;
  await removeFile(services, file);
  const error = fileMetadata(file).error ?? { code: 'pdf_corrupt', message: 'The PDF could not be processed' };
  throw new AppError(isErrorCode(error.code) ? error.code : 'pdf_corrupt', error.message);
}

/** Hides the row, removes the blob, then the row (a crash in between leaves a hidden row for cleanup). */
export async function removeFile(services: Services, file: UploadedFile): Promise<void> {
  await services.repos.files.softDelete(file.userId, file.id).catch(() => undefined);
  await services.blobs.delete('uploads', file.s3Key);
  await services.repos.files.delete(file.userId, file.id);
}

/** Signed-upload flow, step 1: a pending row and a URL to PUT the bytes to. */
export async function createUploadUrl(services: Services, userId: string, input: { filename: string; size: number }) {
  const { blobs, config, repos } = services;
  if (input.size > config.limits.maxUploadBytes) throw fileTooLarge(config.limits.maxUploadBytes);
  const key = uploadKey(userId);
  const row = await repos.files.create({
    userId,
    originalFilename: safeFilename(input.filename),
    storedFilename: path.posix.basename(key),
    filePath: key,
    s3Bucket: config.storage.buckets.uploads,
    s3Key: key,
    fileSize: BigInt(input.size),
    mimeType: 'application/pdf',
    status: 'uploaded',
    metadata: {},
  });
  // Local URLs refuse more than the declared size while receiving; S3 cannot, so confirm checks.
  const signed = await blobs.signedUploadUrl('uploads', key, {
    expiresInSeconds: SIGNED_URL_TTL_SECONDS,
    maxBytes: input.size,
    contentType: 'application/pdf',
  });
  return { file: row, signed };
}

/**
 * Signed-upload flow, step 3: the object must be there with the declared size (the row's
 * fileSize; there is no way to change it afterwards, so a different size is refused and the client
 * may PUT again), within the limit; then the same processing as a multipart upload. Confirming a
 * file that is already processed returns it unchanged.
 */
export async function confirmUpload(services: Services, userId: string, fileId: string): Promise<UploadedFile> {
  const { blobs, config, repos } = services;
  const row = await repos.files.getOwned(userId, fileId);
  if (row.status === 'ready') return row;
  const info = await blobs.head('uploads', row.s3Key);
  if (!info) throw new ConflictError('upload_incomplete', 'Nothing has been uploaded to the upload URL yet');
  if (info.size > config.limits.maxUploadBytes) {
    await removeFile(services, row);
    throw fileTooLarge(config.limits.maxUploadBytes);
  }
  if (BigInt(info.size) !== row.fileSize) {
    await blobs.delete('uploads', row.s3Key);
    throw new ValidationError(
      'The uploaded size differs from the declared size',
      [{ path: 'size', code: 'upload_size_mismatch', message: `declared ${row.fileSize} bytes, received ${info.size}` }],
      'upload_size_mismatch',
    );
  }
  return processOrReject(services, row, { removeOnError: false });
}
