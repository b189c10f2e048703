import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/api.js';

/**
 * The local driver's signed-URL routes on their own: what the HMAC grants and nothing else. They
 * touch no database, so one backend (PGlite) is enough; the files tests cover both.
 */
describe('local signed URL routes (/blobs)', () => {
  const key = 'tests/blob.bin';
  let booted: TestApi | undefined;
  const api = (): TestApi => {
    if (!booted) throw new Error('test API not started');
    return booted;
  };
  afterAll(async () => {
    await booted?.close();
  });
  beforeAll(async () => {
    booted = await createTestApi('pglite');
    await api().services.blobs.put('files', key, Buffer.from('hello blob'), { contentType: 'text/plain' });
  });

  it('GET streams the object with its type and disposition', async () => {
    const signed = await api().services.blobs.signedDownloadUrl('files', key, { expiresInSeconds: 60, filename: 'résumé.txt' });
    const res = await api().app.inject({ method: 'GET', url: signed.url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('hello blob');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.txt");
    const missing = await api().services.blobs.signedDownloadUrl('files', 'tests/none.bin', { expiresInSeconds: 60 });
    expect((await api().app.inject({ method: 'GET', url: missing.url })).statusCode).toBe(404);
  });

  it('refuses tampered, expired, unsigned and wrong-method URLs', async () => {
    const signed = await api().services.blobs.signedDownloadUrl('files', key, { expiresInSeconds: 60 });
    const cases = [
      signed.url.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 1000}`),
      signed.url.replace('blob.bin', 'other.bin'),
      signed.url.replace(/&sig=[^&]+/, ''),
      `/blobs/files/${key}`,
    ];
    for (const url of cases) {
      const res = await api().app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json().code]).toEqual([url, 403, 'signed_url_invalid']);
    }
    const expired = await api().services.blobs.signedDownloadUrl('files', key, { expiresInSeconds: -1 });
    const res = await api().app.inject({ method: 'GET', url: expired.url });
    expect([res.statusCode, res.json().code]).toEqual([403, 'signed_url_expired']);
  });

  it('PUT stores within the signed bound and content type; a raised bound or expired URL is refused', async () => {
    const up = await api().services.blobs.signedUploadUrl('uploads', 'tests/up.pdf', {
      expiresInSeconds: 60,
      maxBytes: 16,
      contentType: 'application/pdf',
    });
    const ok = await api().app.inject({ method: 'PUT', url: up.url, headers: up.headers, payload: Buffer.from('%PDF-1.7 tiny') });
    expect(ok.statusCode).toBe(200);
    const stored = await api().services.blobs.get('uploads', 'tests/up.pdf');
    expect(stored.contentType).toBe('application/pdf');
    stored.body.destroy();

    const raised = up.url.replace('max=16', 'max=99999');
    expect((await api().app.inject({ method: 'PUT', url: raised, headers: up.headers, payload: Buffer.alloc(100) })).json().code).toBe(
      'signed_url_invalid',
    );
    const fresh = await api().services.blobs.signedUploadUrl('uploads', 'tests/up3.pdf', {
      expiresInSeconds: 60,
      maxBytes: 16,
      contentType: 'application/pdf',
    });
    const tooBig = await api().app.inject({ method: 'PUT', url: fresh.url, headers: fresh.headers, payload: Buffer.alloc(17) });
    expect(tooBig.statusCode).toBe(413);
    expect(await api().services.blobs.exists('uploads', 'tests/up3.pdf')).toBe(false);
    // A URL stores once: the earlier object is intact after the refused overwrite.
    const again = await api().app.inject({ method: 'PUT', url: up.url, headers: up.headers, payload: Buffer.alloc(5) });
    expect([again.statusCode, again.json().code]).toEqual([409, 'upload_url_used']);
    expect((await api().services.blobs.head('uploads', 'tests/up.pdf'))?.size).toBe(13);
    const expired = await api().services.blobs.signedUploadUrl('uploads', 'tests/up2.pdf', {
      expiresInSeconds: -1,
      maxBytes: 16,
      contentType: 'application/pdf',
    });
    expect(
      (await api().app.inject({ method: 'PUT', url: expired.url, headers: expired.headers, payload: Buffer.from('x') })).json().code,
    ).toBe('signed_url_expired');
    expect(await api().services.blobs.exists('uploads', 'tests/up2.pdf')).toBe(false);
  });

  it('over a real socket, a body past the signed bound is answered 413, not a reset connection', async () => {
    const address = await api().app.listen({ port: 0, host: '127.0.0.1' });
    const up = await api().services.blobs.signedUploadUrl('uploads', 'tests/socket.pdf', {
      expiresInSeconds: 60,
      maxBytes: 1024,
      contentType: 'application/pdf',
    });
    const res = await fetch(address + up.url, { method: 'PUT', headers: up.headers, body: Buffer.alloc(256 * 1024) });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([413, 'payload_too_large']);
    expect(await api().services.blobs.exists('uploads', 'tests/socket.pdf')).toBe(false);
    // The server still answers, and the same URL still stores a body within its bound.
    const ok = await fetch(address + up.url, { method: 'PUT', headers: up.headers, body: Buffer.from('%PDF-1.7 small') });
    expect(ok.status).toBe(200);
  });
});
