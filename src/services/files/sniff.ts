import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@/shared/errors.js';

/** How far into the file the %PDF- header may be: the engine's rule (loadPdf), as readers do. */
const HEADER_WINDOW = 1024;

export class UploadRejectedError extends AppError {}

/**
 * Pass-through that checks the type by content while the upload streams: the bytes must carry the
 * %PDF- header within the first 1024 bytes (else `pdf_not_pdf`, before anything is stored),
 * and an empty body is `pdf_empty`. Also hashes the bytes (sha256) on the way and keeps them, so
 * the upload is inspected from memory instead of being read back from storage (the inspection needs
 * all of it in memory anyway; the read-back cost the API's thread a stream of reads and a copy).
 * Hand-written: a few lines; file-type detectors do not know about junk before the PDF header.
 */
export class PdfSniffer extends Transform {
  bytes = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private checked = false;
  private readonly hash = createHash('sha256');
  private readonly kept: Buffer[] = [];
  /** The error this stream failed with (drivers may wrap stream errors; the route rethrows this one). */
  failure: AppError | undefined;

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  /** All the bytes that passed, once the stream has ended. */
  contents(): Buffer {
    return Buffer.concat(this.kept, this.bytes);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.kept.push(chunk);
    if (this.checked) return cb(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < HEADER_WINDOW) return cb();
    const err = this.check();
    if (err) return cb(err);
    const held = Buffer.concat(this.head);
    this.head = [];
    cb(null, held);
  }

  override _flush(cb: TransformCallback): void {
    if (this.checked) return cb();
    if (this.bytes === 0) return cb(this.reject(new UploadRejectedError('pdf_empty', 'The file is empty (0 bytes)')));
    const err = this.check();
    if (err) return cb(err);
    cb(null, Buffer.concat(this.head));
  }

  private check(): AppError | undefined {
    this.checked = true;
    const head = Buffer.concat(this.head).subarray(0, HEADER_WINDOW).toString('latin1');
    if (head.includes('%PDF-')) return undefined;
    return this.reject(new UploadRejectedError('pdf_not_pdf', 'The file is not a PDF (no %PDF- header)'));
  }

  /** Stops the stream with this error (e.g. the source hit a size limit). */
  fail(err: AppError): void {
    this.destroy(this.reject(err));
  }

  private reject(err: AppError): AppError {
    this.failure = err;
    return err;
  }
}
