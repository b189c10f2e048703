import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { ByteCounter } from './limit.js';
import type {
  BlobInfo,
  BlobObject,
  BlobStore,
  BucketName,
  GetOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  SignedDownloadOptions,
  SignedUploadOptions,
  SignedUrl,
} from './types.js';
import { BlobExistsError, BlobNotFoundError, BlobTooLargeError, RangeNotSatisfiableError } from './types.js';

export interface S3BlobStoreOptions {
  /** Real bucket names for the three roles (config.storage.buckets). */
  buckets: Record<BucketName, string>;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig['credentials'];
  /** Inject a ready client instead (tests, custom middleware). */
  client?: S3Client;
  /** Multipart part size for streamed uploads (≥ 5 MiB). */
  partSize?: number;
}

/** Bodies at or under this go in a single PutObject when their length is known. */
const SINGLE_PUT_MAX = 8 * 1024 * 1024;

/** S3's answer to a conditional write whose condition failed (412), or that raced another (409). */
function isConditionFailed(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    return (
      err.name === 'PreconditionFailed' ||
      err.name === 'ConditionalRequestConflict' ||
      [409, 412].includes(err.$metadata?.httpStatusCode ?? 0)
    );
  }
  return false;
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
  }
  return false;
}

/** Content-Disposition with an ASCII fallback and the RFC 5987 UTF-8 form for any name. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** What HeadObject and GetObject both answer about an object. */
function blobInfo(key: string, out: { ContentLength?: number; ContentType?: string; LastModified?: Date; ETag?: string }): BlobInfo {
  return {
    key,
    size: out.ContentLength ?? 0,
    contentType: out.ContentType ?? 'application/octet-stream',
    lastModified: out.LastModified ?? new Date(0),
    etag: out.ETag,
  };
}

export class S3BlobStore implements BlobStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client =
      options.client ??
      new S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        // With the SDK's default (WHEN_SUPPORTED) a streamed PutObject is sent with aws-chunked
        // framing, which S3-compatible servers such as s3rver store verbatim inside the object
        // (shared/notes/aws-local.md). Checksums only when an operation requires one.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private bucket(b: BucketName): string {
    const name = this.options.buckets[b];
    if (!name) throw new Error(`unknown bucket ${String(b)}`);
    return name;
  }

  async put(bucket: BucketName, key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    assertValidKey(key);
    const Bucket = this.bucket(bucket);
    const max = options.maxBytes;
    // S3 conditional writes: PutObject and CompleteMultipartUpload both honour If-None-Match.
    const IfNoneMatch = options.ifAbsent ? '*' : undefined;
    if (body instanceof Uint8Array) {
      if (max !== undefined && body.byteLength > max) throw new BlobTooLargeError(max);
      try {
        const out = await this.client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType,
            ContentLength: body.byteLength,
            IfNoneMatch,
          }),
        );
        return { key, size: body.byteLength, etag: out.ETag };
      } catch (err) {
        if (IfNoneMatch && isConditionFailed(err)) throw new BlobExistsError(bucket, key);
        throw err;
      }
    }
    if (max !== undefined && options.contentLength !== undefined && options.contentLength > max) {
      body.destroy();
      throw new BlobTooLargeError(max);
    }
    // lib-storage reads the stream in parts (single PUT when it fits in one part) and aborts the
    // multipart upload if the source fails, e.g. when ByteCounter trips the size limit.
    const counter = new ByteCounter(max);
    const source = pipeline(body, counter).catch((err: unknown) => {
      counter.destroy(err as Error);
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket, Key: key, Body: counter, ContentType: options.contentType, IfNoneMatch },
      partSize: Math.max(this.options.partSize ?? SINGLE_PUT_MAX, 5 * 1024 * 1024),
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      const out = await upload.done();
      await source;
      return { key, size: counter.bytes, etag: out.ETag };
    } catch (err) {
      body.destroy();
      counter.destroy();
      if (err instanceof BlobTooLargeError) throw err;
      if (IfNoneMatch && isConditionFailed(err)) throw new BlobExistsError(bucket, key);
      // lib-storage wraps stream errors; surface the size limit as itself.
      if (max !== undefined && counter.bytes > max) throw new BlobTooLargeError(max);
      throw err;
    }
  }

  async head(bucket: BucketName, key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      return blobInfo(key, await this.client.send(new HeadObjectCommand({ Bucket: this.bucket(bucket), Key: key })));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(bucket: BucketName, key: string): Promise<boolean> {
    return (await this.head(bucket, key)) !== null;
  }

  async get(bucket: BucketName, key: string, options: GetOptions = {}): Promise<BlobObject> {
    assertValidKey(key);
    const { range } = options;
    if (range && (range.start < 0 || (range.end !== undefined && range.end < range.start))) throw new RangeNotSatisfiableError(0);
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket(bucket),
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('S3 GetObject returned a non-stream body');
      return { ...blobInfo(key, out), body: out.Body };
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(bucket, key);
      if (err instanceof S3ServiceException && (err.name === 'InvalidRange' || err.$metadata?.httpStatusCode === 416)) {
        const size = Number((err as { ActualObjectSize?: string }).ActualObjectSize ?? 0);
        throw new RangeNotSatisfiableError(size);
      }
      throw err;
    }
  }

  async delete(bucket: BucketName, key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket(bucket), Key: key }));
  }

  async deleteMany(bucket: BucketName, keys: string[]): Promise<void> {
    for (const key of keys) assertValidKey(key);
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const out = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket(bucket), Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (out.Errors?.length) {
        throw new Error(
          `S3 DeleteObjects failed for ${out.Errors.length} keys: ${out.Errors.slice(0, 3)
            .map((e) => `${e.Key}: ${e.Code}`)
            .join(', ')}`,
        );
      }
    }
  }

  async list(bucket: BucketName, options: ListOptions = {}): Promise<ListPage> {
    const prefix = options.prefix ?? '';
    assertValidPrefix(prefix);
    const out = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.bucket(bucket),
        Prefix: prefix || undefined,
        ContinuationToken: options.cursor,
        MaxKeys: Math.min(Math.max(options.limit ?? 1000, 1), 1000),
      }),
    );
    return {
      items: (out.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) })),
      nextCursor: out.IsTruncated ? out.NextContinuationToken : undefined,
    };
  }

  async signedDownloadUrl(bucket: BucketName, key: string, options: SignedDownloadOptions): Promise<SignedUrl> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket(bucket),
      Key: key,
      ResponseContentDisposition: options.filename ? attachmentDisposition(options.filename) : undefined,
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
    return { url, method: 'GET', expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000), headers: {} };
  }

  async signedUploadUrl(bucket: BucketName, key: string, options: SignedUploadOptions): Promise<SignedUrl> {
    assertValidKey(key);
    const command = new PutObjectCommand({ Bucket: this.bucket(bucket), Key: key, ContentType: options.contentType, IfNoneMatch: '*' });
    // Both headers are signed: the client must send exactly the type that was approved, and
    // If-None-Match: * makes the URL put-once (S3 answers 412 once the key holds an object).
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'if-none-match']),
    });
    return {
      url,
      method: 'PUT',
      expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000),
      headers: { 'content-type': options.contentType, 'if-none-match': '*' },
    };
  }
}
