import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { createBlobStore, S3BlobStore } from '@/shared/storage/index.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3.js';
import { blobStoreContract } from './blob-store-contract.js';

/**
 * S3BlobStore over HTTP against s3rver (child process, see tests/helpers/s3.ts), built through
 * createBlobStore from an environment like the deployed one, so config wiring is covered too.
 */
const buckets = { uploads: 'pdf-studio-uploads-test', generated: 'pdf-studio-generated-test', files: 'pdf-studio-files-test' };
let s3: S3rverHandle;
let store: S3BlobStore;

beforeAll(async () => {
  s3 = await startS3rver(Object.values(buckets));
  // s3rver accepts any credentials; the SDK still needs some to sign with.
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  const config = loadConfig({
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_UPLOAD_BUCKET: buckets.uploads,
    S3_GENERATED_BUCKET: buckets.generated,
    S3_BUCKET: buckets.files,
  });
  const created = createBlobStore(config, { signingSecret: 'unused-by-s3' });
  if (!(created instanceof S3BlobStore)) throw new Error('expected the S3 driver');
  store = created;
});

afterAll(async () => {
  store?.client.destroy();
  await s3?.stop();
});

blobStoreContract('S3BlobStore (s3rver over HTTP)', async () => ({ store, absolute: (u) => u, verifiesSignatures: false }));

describe('S3BlobStore specifics', () => {
  it('maps bucket roles to the configured bucket names and presigns path-style URLs', async () => {
    const signed = await store.signedDownloadUrl('generated', 'x/y.pdf', { expiresInSeconds: 60 });
    const u = new URL(signed.url);
    expect(u.origin).toBe(s3.endpoint);
    expect(u.pathname).toBe(`/${buckets.generated}/x/y.pdf`);
    expect(u.searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('signs the content type into a presigned PUT (enforced by AWS; s3rver does not verify SigV4)', async () => {
    const signed = await store.signedUploadUrl('uploads', 'typed.pdf', {
      expiresInSeconds: 60,
      maxBytes: 1000,
      contentType: 'application/pdf',
    });
    const u = new URL(signed.url);
    // If-None-Match: * is signed too, so the URL can only create the object, never replace it.
    expect(u.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-type', 'host', 'if-none-match']),
    );
    expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.headers).toEqual({ 'content-type': 'application/pdf', 'if-none-match': '*' });
  });
});
