import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  RangeNotSatisfiableError,
  type BlobStore,
} from '@/shared/storage/index.js';

/** The behaviour every BlobStore must have; run against each driver by its own test file. */
export interface ContractContext {
  store: BlobStore;
  /** Turns a signed URL from the store into something fetch() can reach. */
  absolute(url: string): string;
  /** False for s3rver, which accepts any SigV4 signature (it verifies V2 only): tamper checks skipped there. */
  verifiesSignatures: boolean;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** A stream of `total` pseudo-random bytes in 64 KiB chunks, hashed as it is produced. */
export function randomStream(total: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(64 * 1024, total - sent);
      const chunk = randomBytes(n);
      hash.update(chunk);
      sent += n;
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function blobStoreContract(name: string, setup: () => Promise<ContractContext>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let ctx: ContractContext;
    let store: BlobStore;
    const run = randomBytes(4).toString('hex');
    const k = (s: string) => `contract-${run}/${s}`;

    beforeAll(async () => {
      ctx = await setup();
      store = ctx.store;
    });

    it('puts bytes, heads and gets them back', async () => {
      const bytes = Buffer.from('%PDF-1.7 hello ünïcode');
      const res = await store.put('uploads', k('a/hello.pdf'), bytes, { contentType: 'application/pdf' });
      expect(res.size).toBe(bytes.length);
      const head = await store.head('uploads', k('a/hello.pdf'));
      expect(head).toMatchObject({ size: bytes.length, contentType: 'application/pdf' });
      expect(head?.lastModified).toBeInstanceOf(Date);
      const got = await store.get('uploads', k('a/hello.pdf'));
      expect(got.size).toBe(bytes.length);
      expect(got.contentType).toBe('application/pdf');
      expect(await readAll(got.body)).toEqual(bytes);
      expect(await store.exists('uploads', k('a/hello.pdf'))).toBe(true);
      // Buckets are separate namespaces.
      expect(await store.exists('generated', k('a/hello.pdf'))).toBe(false);
    });

    it('streams a 12 MB upload of unknown length and returns identical bytes', async () => {
      const total = 12 * 1024 * 1024 + 12345;
      const { stream, digest } = randomStream(total);
      const res = await store.put('generated', k('big.bin'), stream, { contentType: 'application/octet-stream' });
      expect(res.size).toBe(total);
      const expected = digest();
      const got = await store.get('generated', k('big.bin'));
      expect(got.size).toBe(total);
      const hash = createHash('sha256');
      let n = 0;
      for await (const c of got.body) {
        hash.update(c as Buffer);
        n += (c as Buffer).length;
      }
      expect(n).toBe(total);
      expect(hash.digest('hex')).toBe(expected);
    });

    it('streams a small upload with a known length byte-exactly (no aws-chunked framing)', async () => {
      const bytes = randomBytes(300_000);
      await store.put('files', k('known-length.bin'), Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), {
        contentType: 'application/octet-stream',
        contentLength: bytes.length,
      });
      expect(sha256(await readAll((await store.get('files', k('known-length.bin'))).body))).toBe(sha256(bytes));
    });

    it('overwrites, reads a byte range, and reports missing keys', async () => {
      await store.put('files', k('over.txt'), Buffer.from('first version'), { contentType: 'text/plain' });
      await store.put('files', k('over.txt'), Buffer.from('0123456789'), { contentType: 'text/csv' });
      const head = await store.head('files', k('over.txt'));
      expect(head).toMatchObject({ size: 10, contentType: 'text/csv' });
      const part = await store.get('files', k('over.txt'), { range: { start: 2, end: 5 } });
      expect((await readAll(part.body)).toString()).toBe('2345');
      expect(part.size).toBe(4);
      const tail = await store.get('files', k('over.txt'), { range: { start: 7 } });
      expect((await readAll(tail.body)).toString()).toBe('789');
      await expect(store.get('files', k('over.txt'), { range: { start: 10 } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      await expect(store.get('files', k('missing.txt'))).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await store.head('files', k('missing.txt'))).toBeNull();
      expect(await store.exists('files', k('missing.txt'))).toBe(false);
      await store.delete('files', k('missing.txt')); // idempotent
    });

    it('refuses a stream past maxBytes and stores nothing', async () => {
      const { stream } = randomStream(200_000);
      await expect(
        store.put('uploads', k('too-big.bin'), stream, { contentType: 'application/octet-stream', maxBytes: 100_000 }),
      ).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await store.exists('uploads', k('too-big.bin'))).toBe(false);
      await expect(
        store.put('uploads', k('too-big2.bin'), randomBytes(2000), { contentType: 'application/octet-stream', maxBytes: 1000 }),
      ).rejects.toBeInstanceOf(BlobTooLargeError);
    });

    it('lists by prefix in key order across pages, and deletes many', async () => {
      const keys = ['l/c.txt', 'l/a.txt', 'l/sub/b.txt', 'l/b.txt', 'l/sub/a.txt', 'lx/other.txt'].map(k);
      for (const key of keys) await store.put('files', key, Buffer.from(key), { contentType: 'text/plain' });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('files', { prefix: k('l/'), limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i) => i.key));
        for (const item of page.items) expect(item.size).toBe(Buffer.byteLength(item.key));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual(['l/a.txt', 'l/b.txt', 'l/c.txt', 'l/sub/a.txt', 'l/sub/b.txt'].map(k));
      expect(pages).toBe(3);
      const partial = await store.list('files', { prefix: k('l/s') });
      expect(partial.items.map((i) => i.key)).toEqual([k('l/sub/a.txt'), k('l/sub/b.txt')]);
      await store.deleteMany('files', keys.slice(0, 5));
      expect((await store.list('files', { prefix: k('l/') })).items).toEqual([]);
      expect(await store.exists('files', k('lx/other.txt'))).toBe(true);
    });

    it('rejects path traversal and malformed keys before any I/O', async () => {
      const bad = [
        '../escape.txt',
        'a/../../escape.txt',
        '/etc/passwd',
        'a//b',
        'a\\..\\b',
        '',
        'a/./b',
        'C:/x',
        'nul\u0000byte',
        '..',
        'a/',
      ];
      for (const key of bad) {
        await expect(store.put('uploads', key, Buffer.from('x'), { contentType: 'text/plain' }), key).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store.get('uploads', key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete('uploads', key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.signedDownloadUrl('uploads', key, { expiresInSeconds: 60 }), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      await expect(store.list('uploads', { prefix: '../' })).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it('serves a signed download URL to fetch, with the file name', async () => {
      const bytes = randomBytes(50_000);
      await store.put('generated', k('doc.pdf'), bytes, { contentType: 'application/pdf' });
      const signed = await store.signedDownloadUrl('generated', k('doc.pdf'), { expiresInSeconds: 300, filename: 'Rechnung März.pdf' });
      expect(signed.method).toBe('GET');
      expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
      const res = await fetch(ctx.absolute(signed.url));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
      expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf");
    });

    it('accepts a signed PUT from fetch and the object reads back', async () => {
      const bytes = randomBytes(70_000);
      const signed = await store.signedUploadUrl('uploads', k('via-url.pdf'), {
        expiresInSeconds: 300,
        maxBytes: 1_000_000,
        contentType: 'application/pdf',
      });
      expect(signed.method).toBe('PUT');
      const res = await fetch(ctx.absolute(signed.url), { method: 'PUT', headers: signed.headers, body: bytes });
      expect(res.status).toBeLessThan(300);
      const head = await store.head('uploads', k('via-url.pdf'));
      expect(head).toMatchObject({ size: bytes.length, contentType: 'application/pdf' });
      expect(await readAll((await store.get('uploads', k('via-url.pdf'))).body)).toEqual(bytes);
      if (!ctx.verifiesSignatures) return;
      // The signature covers the key: the same query on another key is refused.
      const other = ctx.absolute(signed.url).replace('via-url.pdf', 'other.pdf');
      const forged = await fetch(other, { method: 'PUT', headers: signed.headers, body: bytes });
      expect(forged.status).toBe(403);
      expect(await store.exists('uploads', k('other.pdf'))).toBe(false);
    });
  });
}
