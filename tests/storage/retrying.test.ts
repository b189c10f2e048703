import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore, RetryingBlobStore, StorageUnavailableError, type BlobStore } from '@/shared/storage/index.js';
import { readAll } from '@/shared/storage/read.js';

/**
 * A real local store behind a switch that makes every operation fail the way an unwritable blob
 * directory does (EACCES, with the server path in the message) until a given time: tests run as
 * root, for whom chmod makes nothing unwritable.
 */
function withOutage(inner: BlobStore): { store: BlobStore; downFor(ms: number): void; calls: () => number } {
  let until = 0;
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls++;
        if (Date.now() < until) {
          throw Object.assign(new Error(`EACCES: permission denied, open '/srv/pdf-studio/.data/blobs/${String(args[1])}'`), {
            code: 'EACCES',
          });
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, downFor: (ms) => void (until = Date.now() + ms), calls: () => calls };
}

describe('RetryingBlobStore over the local store', () => {
  let root: string;
  let local: LocalBlobStore;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'retrying-blobs-'));
    local = new LocalBlobStore({ root, signingSecret: 'x'.repeat(32) });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('rides out an outage shorter than its budget: the write lands once storage is back', async () => {
    const faulty = withOutage(local);
    const store = new RetryingBlobStore(faulty.store, { budgetMs: 10_000, initialDelayMs: 100, maxDelayMs: 400 });
    faulty.downFor(1200);
    const t0 = Date.now();
    await store.put('generated', 'users/u1/generated/a.pdf', new TextEncoder().encode('%PDF-1.7 a'), { contentType: 'application/pdf' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(faulty.calls()).toBeGreaterThan(2);
    expect(Buffer.from(await readAll(store, 'generated', 'users/u1/generated/a.pdf')).toString()).toBe('%PDF-1.7 a');
  });

  it('past its budget fails with storage_unavailable (503, Retry-After), naming no server path', async () => {
    const faulty = withOutage(local);
    const store = new RetryingBlobStore(faulty.store, { budgetMs: 500, initialDelayMs: 100 });
    faulty.downFor(5000);
    const err = await store
      .put('generated', 'users/u1/generated/b.pdf', new Uint8Array([1]), { contentType: 'application/pdf' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(err).toMatchObject({ code: 'storage_unavailable', details: { retryAfterSeconds: 10 } });
    expect((err as Error).message).not.toMatch(/\/srv|EACCES/);
    expect(await local.exists('generated', 'users/u1/generated/b.pdf')).toBe(false);
  });

  it('does not retry answers that will not change (not found) nor a streamed body it cannot replay', async () => {
    const faulty = withOutage(local);
    const store = new RetryingBlobStore(faulty.store, { budgetMs: 5000, initialDelayMs: 100 });
    await expect(store.get('generated', 'users/u1/generated/missing.pdf')).rejects.toMatchObject({ code: 'blob_not_found' });
    expect(faulty.calls()).toBe(1);
    faulty.downFor(2000);
    const t0 = Date.now();
    await expect(
      store.put('uploads', 'users/u1/uploads/s.pdf', Readable.from([Buffer.from('%PDF')]), { contentType: 'application/pdf' }),
    ).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
