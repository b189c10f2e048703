import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { AppError } from '@/shared/errors.js';
import {
  BlobExistsError,
  BlobTooLargeError,
  createBlobStore,
  LocalBlobStore,
  SignedUrlExpiredError,
  SignedUrlInvalidError,
  attachmentDisposition,
  verifySignedUrl,
} from '@/shared/storage/index.js';
import { blobStoreContract, readAll } from './blob-store-contract.js';

/**
 * The local driver, with signed URLs served over real HTTP by a minimal server that does what the
 * API's /blobs route does: verifySignedUrl, then stream from/to the store.
 */
const SECRET = 'test-secret-'.padEnd(40, 'x');
let root: string;
let store: LocalBlobStore;
let server: http.Server;
let base: string;

function serve(s: LocalBlobStore) {
  return http.createServer((req, res) => {
    void (async () => {
      try {
        const method = req.method === 'PUT' ? 'PUT' : 'GET';
        const grant = verifySignedUrl(req.url ?? '', { secret: SECRET, method });
        if (method === 'GET') {
          const blob = await s.get(grant.bucket, grant.key);
          res.writeHead(200, {
            'content-type': blob.contentType,
            'content-length': blob.size,
            ...(grant.filename ? { 'content-disposition': attachmentDisposition(grant.filename) } : {}),
          });
          blob.body.pipe(res);
        } else {
          if (grant.contentType && req.headers['content-type'] !== grant.contentType) throw new SignedUrlInvalidError('content type');
          await s.put(grant.bucket, grant.key, req, {
            contentType: grant.contentType ?? 'application/octet-stream',
            maxBytes: grant.maxBytes,
          });
          res.writeHead(204).end();
        }
      } catch (err) {
        const status = err instanceof AppError ? err.status : 500;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: (err as AppError).code }));
      }
    })();
  });
}

beforeAll(async () => {
  await fs.mkdir(path.resolve('.test-data'), { recursive: true });
  root = await fs.mkdtemp(path.resolve('.test-data', 'blobs-'));
  store = new LocalBlobStore({ root, signingSecret: SECRET });
  server = serve(store);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fs.rm(root, { recursive: true, force: true });
});

blobStoreContract('LocalBlobStore', async () => ({ store, absolute: (u) => new URL(u, base).toString(), verifiesSignatures: true }));

describe('LocalBlobStore specifics', () => {
  it('keeps every write inside its bucket directory and leaves no temp files', async () => {
    await store.put('files', 'x/y/z.txt', Buffer.from('z'), { contentType: 'text/plain' });
    expect(await fs.readFile(path.join(root, 'files', 'x', 'y', 'z.txt'), 'utf8')).toBe('z');
    await expect(store.put('files', '../../outside.txt', Buffer.from('no'), { contentType: 'text/plain' })).rejects.toThrow();
    await expect(fs.stat(path.join(root, '..', 'outside.txt'))).rejects.toThrow();
    expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('a failed write leaves the previous version intact (temp file + rename)', async () => {
    await store.put('files', 'atomic.bin', Buffer.from('old'), { contentType: 'text/plain' });
    await expect(store.put('files', 'atomic.bin', randomBytes(5000), { contentType: 'text/plain', maxBytes: 10 })).rejects.toBeInstanceOf(
      BlobTooLargeError,
    );
    expect((await readAll((await store.get('files', 'atomic.bin')).body)).toString()).toBe('old');
    expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('writes again after its directories were removed behind its back (it remembers the ones it made)', async () => {
    await store.put('files', 'gone/a.pdf', Buffer.from('a'), { contentType: 'application/pdf' });
    await fs.rm(path.join(root, 'files', 'gone'), { recursive: true });
    await fs.rm(path.join(root, '.meta', 'files', 'gone'), { recursive: true });
    await fs.rm(path.join(root, '.tmp'), { recursive: true });
    await store.put('files', 'gone/b.pdf', Buffer.from('b'), { contentType: 'application/pdf' });
    const blob = await store.get('files', 'gone/b.pdf');
    expect(blob.contentType).toBe('application/pdf');
    expect((await readAll(blob.body)).toString()).toBe('b');
    expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('a PDF in the generated bucket needs no meta file, and replacing a ZIP with a PDF there changes its type', async () => {
    await store.put('generated', 'u/r.zip', Buffer.from('zip'), { contentType: 'application/zip' });
    expect((await store.head('generated', 'u/r.zip'))?.contentType).toBe('application/zip');
    await store.put('generated', 'u/r.zip', Buffer.from('%PDF'), { contentType: 'application/pdf' });
    expect((await store.head('generated', 'u/r.zip'))?.contentType).toBe('application/pdf');
    await store.put('generated', 'u/d.pdf', Buffer.from('%PDF'), { contentType: 'application/pdf' });
    expect((await store.head('generated', 'u/d.pdf'))?.contentType).toBe('application/pdf');
    await expect(fs.stat(path.join(root, '.meta', 'generated', 'u', 'd.pdf.json'))).rejects.toThrow();
    // Elsewhere the type is kept as given, and an object without one is octet-stream as before.
    await store.put('files', 'u/d.pdf', Buffer.from('%PDF'), { contentType: 'application/pdf' });
    expect((await store.head('files', 'u/d.pdf'))?.contentType).toBe('application/pdf');
  });

  it('puts once with ifAbsent: a second write, even a concurrent one, is refused and the first stays', async () => {
    const put = (text: string, contentType: string) =>
      store.put('uploads', 'once/a.pdf', Buffer.from(text), { contentType, ifAbsent: true });
    const results = await Promise.allSettled([put('first', 'application/pdf'), put('other', 'text/plain')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(BlobExistsError);
    const kept = await store.get('uploads', 'once/a.pdf');
    const text = (await readAll(kept.body)).toString();
    expect(kept.contentType).toBe(text === 'first' ? 'application/pdf' : 'text/plain');
    await expect(put('third', 'text/plain')).rejects.toBeInstanceOf(BlobExistsError);
    expect((await readAll((await store.get('uploads', 'once/a.pdf')).body)).toString()).toBe(text);
    expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
    // Deleted, the key can be written again (a confirm that refused the size removes the bytes).
    await store.delete('uploads', 'once/a.pdf');
    await put('again', 'application/pdf');
    expect((await readAll((await store.get('uploads', 'once/a.pdf')).body)).toString()).toBe('again');
  });

  it('refuses an expired URL over HTTP with a typed error', async () => {
    await store.put('generated', 'exp.pdf', Buffer.from('x'), { contentType: 'application/pdf' });
    const signed = await store.signedDownloadUrl('generated', 'exp.pdf', { expiresInSeconds: -1 });
    const res = await fetch(new URL(signed.url, base));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 'signed_url_expired' });
  });

  it('refuses tampered URLs: signature, key, expiry, method, max size, content type', async () => {
    await store.put('generated', 'secret.pdf', Buffer.from('x'), { contentType: 'application/pdf' });
    const { url } = await store.signedDownloadUrl('generated', 'secret.pdf', { expiresInSeconds: 60 });
    const u = new URL(url, base);
    const variants: string[] = [];
    const sig = u.searchParams.get('sig') ?? '';
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    variants.push(u.toString().replace(`sig=${sig}`, `sig=${flip(sig)}`));
    variants.push(u.toString().replace('secret.pdf', 'other.pdf'));
    variants.push(u.toString().replace('/generated/', '/uploads/'));
    variants.push(u.toString().replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`));
    variants.push(u.toString().replace(/&sig=[^&]+/, ''));
    for (const v of variants) {
      const res = await fetch(v);
      expect(res.status, v).toBe(403);
      expect(await res.json(), v).toEqual({ code: 'signed_url_invalid' });
    }
    // A download URL never authorises an upload.
    const put = await fetch(u, { method: 'PUT', body: 'overwrite', headers: { 'content-type': 'application/pdf' } });
    expect(put.status).toBe(403);

    const up = await store.signedUploadUrl('uploads', 'u.pdf', { expiresInSeconds: 60, maxBytes: 100, contentType: 'application/pdf' });
    const upUrl = new URL(up.url, base);
    const bigger = upUrl.toString().replace('max=100', 'max=100000000');
    expect((await fetch(bigger, { method: 'PUT', body: 'x', headers: up.headers })).status).toBe(403);
    const otherType = upUrl.toString().replace('ct=application%2Fpdf', 'ct=text%2Fhtml');
    expect((await fetch(otherType, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/html' } })).status).toBe(403);
    // Within the grant, the size limit is enforced while streaming.
    const over = await fetch(upUrl, { method: 'PUT', body: randomBytes(500), headers: up.headers });
    expect(over.status).toBe(413);
    expect(await store.exists('uploads', 'u.pdf')).toBe(false);
  });

  it('verifySignedUrl: typed errors, constant-length checks, and a different secret fails', async () => {
    const { url } = await store.signedDownloadUrl('files', 'a/b c.pdf', { expiresInSeconds: 60, filename: 'b c.pdf' });
    expect(url).toMatch(/^\/blobs\/files\/a\/b%20c\.pdf\?expires=\d+&filename=b\+c\.pdf&sig=/);
    const grant = verifySignedUrl(url, { secret: SECRET, method: 'GET' });
    expect(grant).toMatchObject({ bucket: 'files', key: 'a/b c.pdf', filename: 'b c.pdf', method: 'GET' });
    expect(() => verifySignedUrl(url, { secret: 'another-secret', method: 'GET' })).toThrow(SignedUrlInvalidError);
    expect(() => verifySignedUrl(url, { secret: SECRET, method: 'GET', now: new Date(Date.now() + 61_000) })).toThrow(
      SignedUrlExpiredError,
    );
    expect(() => verifySignedUrl(url.replace(/sig=[^&]+/, 'sig=short'), { secret: SECRET, method: 'GET' })).toThrow(SignedUrlInvalidError);
    expect(() =>
      verifySignedUrl('/blobs/files/..%2F..%2Fetc%2Fpasswd?expires=9999999999&sig=x', { secret: SECRET, method: 'GET' }),
    ).toThrow(SignedUrlInvalidError);
    expect(() => verifySignedUrl('/other/files/a?expires=1&sig=x', { secret: SECRET, method: 'GET' })).toThrow(SignedUrlInvalidError);
  });

  it('createBlobStore picks the local driver with <dataDir>/blobs and absolute URLs from PUBLIC_URL', async () => {
    const config = loadConfig({ DATA_DIR: root, PUBLIC_URL: 'https://pdf.example.com/' });
    const s = createBlobStore(config, { signingSecret: SECRET });
    expect(s.driver).toBe('local');
    await s.put('files', 'factory.txt', Buffer.from('f'), { contentType: 'text/plain' });
    expect(await fs.readFile(path.join(root, 'blobs', 'files', 'factory.txt'), 'utf8')).toBe('f');
    const { url } = await s.signedDownloadUrl('files', 'factory.txt', { expiresInSeconds: 60 });
    expect(url.startsWith('https://pdf.example.com/blobs/files/factory.txt?')).toBe(true);
    expect(createBlobStore(loadConfig({ STORAGE_DRIVER: 's3' }), { signingSecret: SECRET }).driver).toBe('s3');
  });

  it('reports a key clash between an object and a "directory" as a conflict', async () => {
    await store.put('files', 'clash', Buffer.from('1'), { contentType: 'text/plain' });
    await expect(store.put('files', 'clash/child', Buffer.from('2'), { contentType: 'text/plain' })).rejects.toMatchObject({
      code: 'blob_key_conflict',
    });
  });
});
