import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, ValidationError } from '@/shared/errors.js';

/** The three buckets, by role (S3_UPLOAD_BUCKET, S3_GENERATED_BUCKET, S3_BUCKET). */
export const bucketNameSchema = z.enum(['uploads', 'generated', 'files']);
export type BucketName = z.infer<typeof bucketNameSchema>;
export const BUCKET_NAMES = bucketNameSchema.options;

export interface PutOptions {
  contentType: string;
  /** Known length of the body; lets S3 take a single PUT for small streams. */
  contentLength?: number;
  /** The write fails with BlobTooLargeError (and nothing is stored) once the body passes this many bytes. */
  maxBytes?: number;
  /**
   * Put-once: the write fails with BlobExistsError, and the stored object is left as it was, when
   * the key already holds one. The check and the write are one atomic step.
   */
  ifAbsent?: boolean;
}

export interface PutResult {
  key: string;
  size: number;
  etag?: string;
}

export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
  etag?: string;
}

export interface BlobObject extends BlobInfo {
  /** The bytes, streamed: the caller must consume or destroy it. */
  body: Readable;
}

export interface GetOptions {
  /** Inclusive byte range, as in an HTTP Range header. */
  range?: { start: number; end?: number };
}

export interface ListOptions {
  prefix?: string;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
  limit?: number;
}

export interface ListPage {
  items: { key: string; size: number; lastModified: Date }[];
  nextCursor?: string;
}

export interface SignedUrl {
  url: string;
  method: 'GET' | 'PUT';
  expiresAt: Date;
  /** Headers the client must send with the request (e.g. content-type for a signed PUT). */
  headers: Record<string, string>;
}

export interface SignedDownloadOptions {
  expiresInSeconds: number;
  /** Suggested file name: sent back as Content-Disposition: attachment. */
  filename?: string;
}

export interface SignedUploadOptions {
  expiresInSeconds: number;
  maxBytes: number;
  contentType: string;
}

/**
 * Blob storage by bucket role and key. Bodies stream in and out: no implementation buffers a whole
 * upload or download in memory. Keys are S3-style paths ("users/u1/files/f1.pdf"), validated by
 * `assertValidKey` before any I/O.
 */
export interface BlobStore {
  readonly driver: 'local' | 's3';
  put(bucket: BucketName, key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult>;
  /** Throws BlobNotFoundError when the key does not exist. */
  get(bucket: BucketName, key: string, options?: GetOptions): Promise<BlobObject>;
  /** null when the key does not exist. */
  head(bucket: BucketName, key: string): Promise<BlobInfo | null>;
  exists(bucket: BucketName, key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(bucket: BucketName, key: string): Promise<void>;
  deleteMany(bucket: BucketName, keys: string[]): Promise<void>;
  /** Keys in ascending byte order, one page at a time (for orphan checks and cleanup). */
  list(bucket: BucketName, options?: ListOptions): Promise<ListPage>;
  signedDownloadUrl(bucket: BucketName, key: string, options: SignedDownloadOptions): Promise<SignedUrl>;
  /**
   * A URL the client PUTs the bytes to, once: a PUT to a key that already holds an object is
   * refused (local: 409 upload_url_used; S3: 412, the URL signs If-None-Match: *), so bytes that
   * were confirmed cannot be replaced through the same URL. Local URLs enforce maxBytes while
   * receiving; an S3 presigned PUT cannot, so the caller must head() the object when the client confirms.
   */
  signedUploadUrl(bucket: BucketName, key: string, options: SignedUploadOptions): Promise<SignedUrl>;
}

export class BlobNotFoundError extends AppError {
  constructor(bucket: BucketName, key: string) {
    super('blob_not_found', `blob ${bucket}/${key} not found`, { bucket, key });
  }
}

export class BlobExistsError extends AppError {
  constructor(bucket: BucketName, key: string) {
    super('blob_exists', `blob ${bucket}/${key} already exists`, { bucket, key });
  }
}

export class BlobTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super('payload_too_large', `body exceeds the limit of ${maxBytes} bytes`, { maxBytes });
  }
}

export class RangeNotSatisfiableError extends AppError {
  constructor(size: number) {
    super('range_not_satisfiable', `requested range is outside the blob (${size} bytes)`, { size });
  }
}

export class InvalidBlobKeyError extends ValidationError {
  constructor(key: string, reason: string) {
    super(`invalid blob key: ${reason}`, [{ path: 'key', code: 'invalid_blob_key', message: reason }], 'invalid_blob_key');
    void key;
  }
}

export class SignedUrlExpiredError extends AppError {
  constructor(expiredAt: Date) {
    super('signed_url_expired', 'the signed URL has expired', { expiredAt: expiredAt.toISOString() });
  }
}

export class SignedUrlInvalidError extends AppError {
  constructor(reason: string) {
    super('signed_url_invalid', `the signed URL is not valid: ${reason}`);
  }
}
