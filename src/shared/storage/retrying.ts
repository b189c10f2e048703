import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@/shared/errors.js';
import type { BlobStore, BucketName, GetOptions, ListOptions, PutOptions } from './types.js';

export interface RetryingBlobStoreOptions {
  /** How long one operation keeps retrying a passing fault before it gives up (ms). */
  budgetMs: number;
  /** First wait; doubled after each try, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** File-system and network error codes of a store that is down, full or unreachable for a while. */
const PASSING_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EAGAIN',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** True for a fault that may pass by itself: not our typed errors (not found, exists, too large, bad key). */
export function isPassingStorageFault(err: unknown): boolean {
  if (err instanceof AppError) return false;
  const e = err as { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: unknown; cause?: unknown };
  if (typeof e?.code === 'string' && PASSING_CODES.has(e.code)) return true;
  // The AWS SDK marks throttling and transient faults, and 5xx answers say the service is struggling.
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (e?.name === 'TimeoutError' || e?.name === 'RequestTimeout') return true;
  return e?.cause !== undefined && e.cause !== err ? isPassingStorageFault(e.cause) : false;
}

/** The error a caller sees once the budget is spent: typed (503), without the paths or hosts of the original. */
export class StorageUnavailableError extends AppError {
  constructor(
    operation: string,
    readonly original: unknown,
  ) {
    super('storage_unavailable', `The document store did not accept the ${operation}; try again shortly`, { retryAfterSeconds: 10 });
  }
}

/**
 * A blob store that rides out short outages (a full disk, a remount, S3 throttling or a brief
 * network cut): every operation is retried with exponential backoff while its fault is a passing
 * one, for up to `budgetMs`; then it fails with StorageUnavailableError. The AWS SDK retries each
 * S3 call three times within a second or two, which no outage of tens of seconds survives; queue
 * retries do, but spend a delivery each. A streamed put cannot be replayed (its bytes are gone),
 * so only puts of bytes in memory are retried — every document the engine makes is one.
 */
export class RetryingBlobStore implements BlobStore {
  readonly driver: BlobStore['driver'];

  constructor(
    private readonly inner: BlobStore,
    private readonly options: RetryingBlobStoreOptions,
  ) {
    this.driver = inner.driver;
  }

  private async retry<T>(operation: string, run: () => Promise<T>, replayable = true): Promise<T> {
    const deadline = Date.now() + this.options.budgetMs;
    let delay = this.options.initialDelayMs ?? 200;
    for (;;) {
      try {
        return await run();
      } catch (err) {
        if (!isPassingStorageFault(err)) throw err;
        if (!replayable || Date.now() + delay > deadline) throw new StorageUnavailableError(operation, err);
        await sleep(delay);
        delay = Math.min(delay * 2, this.options.maxDelayMs ?? 5000);
      }
    }
  }

  put(bucket: BucketName, key: string, body: Parameters<BlobStore['put']>[2], options: PutOptions) {
    return this.retry('write', () => this.inner.put(bucket, key, body, options), body instanceof Uint8Array);
  }
  get(bucket: BucketName, key: string, options?: GetOptions) {
    return this.retry('read', () => this.inner.get(bucket, key, options));
  }
  head(bucket: BucketName, key: string) {
    return this.retry('read', () => this.inner.head(bucket, key));
  }
  exists(bucket: BucketName, key: string) {
    return this.retry('read', () => this.inner.exists(bucket, key));
  }
  delete(bucket: BucketName, key: string) {
    return this.retry('delete', () => this.inner.delete(bucket, key));
  }
  deleteMany(bucket: BucketName, keys: string[]) {
    return this.retry('delete', () => this.inner.deleteMany(bucket, keys));
  }
  list(bucket: BucketName, options?: ListOptions) {
    return this.retry('listing', () => this.inner.list(bucket, options));
  }
  signedDownloadUrl(...args: Parameters<BlobStore['signedDownloadUrl']>) {
    return this.inner.signedDownloadUrl(...args);
  }
  signedUploadUrl(...args: Parameters<BlobStore['signedUploadUrl']>) {
    return this.inner.signedUploadUrl(...args);
  }
}
