import path from 'node:path';
import type { Config } from '@/shared/config/index.js';
import { LocalBlobStore } from './local.js';
import { S3BlobStore } from './s3.js';
import type { BlobStore } from './types.js';

export * from './types.js';
export { assertValidKey, assertValidPrefix } from './keys.js';
export { verifySignedUrl, buildSignedPath, SIGNED_URL_PREFIX, type SignedGrant, type VerifyOptions } from './signing.js';
export { LocalBlobStore, type LocalBlobStoreOptions } from './local.js';
export { S3BlobStore, attachmentDisposition, type S3BlobStoreOptions } from './s3.js';
export { RetryingBlobStore, StorageUnavailableError, isPassingStorageFault, type RetryingBlobStoreOptions } from './retrying.js';

export interface CreateBlobStoreOptions {
  /** Secret for local HMAC-signed URLs (ignored by S3, which presigns with its credentials). */
  signingSecret: string;
  /** Absolute base for local signed URLs; defaults to config.http.publicUrl, else relative URLs. */
  publicBaseUrl?: string | (() => string | undefined);
}

/** The driver config.storage.driver names: a directory under `<dataDir>/blobs` or S3. */
export function createBlobStore(
  config: Pick<Config, 'storage' | 'dataDir' | 'region' | 'http'>,
  options: CreateBlobStoreOptions,
): BlobStore {
  if (config.storage.driver === 's3') {
    return new S3BlobStore({
      buckets: config.storage.buckets,
      region: config.region,
      endpoint: config.storage.endpoint,
      forcePathStyle: config.storage.forcePathStyle,
    });
  }
  return new LocalBlobStore({
    root: path.join(config.dataDir, 'blobs'),
    signingSecret: options.signingSecret,
    publicBaseUrl: options.publicBaseUrl ?? config.http.publicUrl,
  });
}
