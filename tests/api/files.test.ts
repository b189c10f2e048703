import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/api/app.js';
import { purgeExpiredTemplates } from '@/services/templates/undo.js';
import { loadTemplateVersion } from '@/services/templates/versions.js';
import { S3BlobStore } from '@/shared/storage/index.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3.js';
import { createTestApi, forEachApi, registerUser, type TestApi, type TestUser } from '../helpers/api.js';
import { corpusDir, readCorpusFile } from '../helpers/corpus.js';
import { processFile } from '@/services/files/process.js';
import { fileProcessingHandler } from '@/workers/file-processing.js';
import { fixture, makePdf, multipartBody, upload, uploadOk } from './upload-helpers.js';

async function blobCount(api: TestApi): Promise<number> {
  const page = await api.services.blobs.list('uploads', { limit: 1000 });
  return page.items.length;
}

forEachApi('files API', (api) => {
  let ada: TestUser;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'files');
  });

  it('uploads a PDF (multipart), inspects it and serves it back', async () => {
    const bytes = await makePdf({ pages: 3, width: 595, height: 842 });
    const res = await upload(api().app, ada.headers, bytes, 'Invoice é.pdf');
    expect(res.statusCode).toBe(201);
    const { file } = res.json();
    expect(file).toMatchObject({
      originalFilename: 'Invoice é.pdf',
      fileSize: bytes.byteLength,
      mimeType: 'application/pdf',
      status: 'ready',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      metadata: { pageCount: 3, pages: [{ width: 595, height: 842, rotation: 0 }, { width: 595 }, { width: 595 }] },
    });
    // The file's row says where its bytes are: the uploads bucket, and a key under the user's prefix.
    const row = await api().services.repos.files.getOwned(ada.id, file.id);
    expect(row.s3Bucket).toBe(api().services.config.storage.buckets.uploads);
    expect(row.s3Key).toMatch(new RegExp(`^users/${ada.id}/uploads/[0-9a-f-]+\\.pdf$`));
    expect(row.fileSize).toBe(BigInt(bytes.byteLength));

    const content = await api().app.inject({ method: 'GET', url: `/api/files/${file.id}/content`, headers: ada.headers });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(content.rawPayload, Buffer.from(bytes))).toBe(0);
    expect((await PDFDocument.load(content.rawPayload)).getPageCount()).toBe(3);

    const got = await api().app.inject({ method: 'GET', url: `/api/files/${file.id}`, headers: ada.headers });
    expect(got.json().file.id).toBe(file.id);
  });

  it('imports the AcroForm fields of a real form as suggested fields', async (ctx) => {
    if (!corpusDir('pdf-lib').dir) return ctx.skip();
    const file = await uploadOk(api().app, ada.headers, readCorpusFile('pdf-lib', 'sample_form.pdf'), 'sample_form.pdf');
    const meta = file.metadata as {
      pageCount: number;
      formFields: { name: string; type: string; page: number; advanced: { acroFormName?: string } }[];
    };
    expect(meta.pageCount).toBeGreaterThan(0);
    expect(meta.formFields.length).toBeGreaterThan(3);
    for (const f of meta.formFields) {
      expect(f.page).toBeGreaterThanOrEqual(1);
      expect(f.advanced.acroFormName).toBeTruthy();
    }
  });

  it('refuses bad uploads with their codes and stores nothing', async () => {
    const before = await blobCount(api());
    const stats = (await api().app.inject({ method: 'GET', url: '/api/files/stats', headers: ada.headers })).json();

    const html = await upload(
      api().app,
      ada.headers,
      new TextEncoder().encode('<!doctype html><html><body>not a pdf</body></html>'),
      'fake.pdf',
    );
    expect([html.statusCode, html.json().code]).toEqual([415, 'pdf_not_pdf']);
    expect(html.headers['content-type']).toContain('application/problem+json');

    const empty = await upload(api().app, ada.headers, new Uint8Array(0), 'empty.pdf');
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'pdf_empty']);

    const good = await makePdf();
    const corrupt = await upload(api().app, ada.headers, good.subarray(0, 400), 'cut.pdf');
    expect([corrupt.statusCode, corrupt.json().code]).toEqual([422, 'pdf_corrupt']);

    const encrypted = await upload(api().app, ada.headers, fixture('tests/pdf/inspect/fixtures/user-password-aes-256.pdf'), 'locked.pdf');
    expect([encrypted.statusCode, encrypted.json().code]).toEqual([422, 'pdf_encrypted']);

    const noFile = multipartBody('x.pdf', good, 'attachment');
    const wrongPart = await api().app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...ada.headers, ...noFile.headers },
      payload: noFile.payload,
    });
    expect(wrongPart.statusCode).toBe(400);
    const json = await api().app.inject({ method: 'POST', url: '/api/files', headers: ada.headers, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);

    expect(await blobCount(api())).toBe(before);
    const after = (await api().app.inject({ method: 'GET', url: '/api/files/stats', headers: ada.headers })).json();
    expect(after).toEqual(stats);
  });

  it('signed-upload flow: upload-url, PUT through the local signed URL, confirm', async () => {
    const bytes = await makePdf({ pages: 2 });
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/files/upload-url',
      headers: ada.headers,
      payload: { filename: 'signed.pdf', contentType: 'application/pdf', size: bytes.byteLength },
    });
    expect(res.statusCode).toBe(201);
    const grant = res.json();
    expect(grant).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf' } });
    expect(grant.uploadUrl).toMatch(/^\/blobs\/uploads\//);

    const early = await api().app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: ada.headers });
    expect([early.statusCode, early.json().code]).toEqual([409, 'upload_incomplete']);

    // More than the declared size is refused while receiving.
    const tooBig = Buffer.concat([Buffer.from(bytes), Buffer.alloc(10)]);
    const over = await api().app.inject({ method: 'PUT', url: grant.uploadUrl, headers: grant.headers, payload: tooBig });
    expect(over.statusCode).toBe(413);
    const wrongType = await api().app.inject({
      method: 'PUT',
      url: grant.uploadUrl,
      headers: { 'content-type': 'text/plain' },
      payload: Buffer.from(bytes),
    });
    expect([wrongType.statusCode, wrongType.json().code]).toEqual([403, 'signed_url_invalid']);

    const put = await api().app.inject({ method: 'PUT', url: grant.uploadUrl, headers: grant.headers, payload: Buffer.from(bytes) });
    expect(put.statusCode).toBe(200);
    expect(put.json().size).toBe(bytes.byteLength);

    const confirm = await api().app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: ada.headers });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().file).toMatchObject({
      id: grant.fileId,
      status: 'ready',
      fileSize: bytes.byteLength,
      metadata: { pageCount: 2 },
    });
    // Confirming again is harmless.
    const again = await api().app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: ada.headers });
    expect(again.json().file.status).toBe('ready');
  });

  it('signed-upload flow refuses a non-PDF at confirm and removes it', async () => {
    const junk = Buffer.from('PK\u0003\u0004 this is a zip, honestly');
    const grant = (
      await api().app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: ada.headers,
        payload: { filename: 'x.pdf', contentType: 'application/pdf', size: junk.length },
      })
    ).json();
    expect((await api().app.inject({ method: 'PUT', url: grant.uploadUrl, headers: grant.headers, payload: junk })).statusCode).toBe(200);
    const confirm = await api().app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: ada.headers });
    expect([confirm.statusCode, confirm.json().code]).toEqual([415, 'pdf_not_pdf']);
    expect((await api().app.inject({ method: 'GET', url: `/api/files/${grant.fileId}`, headers: ada.headers })).statusCode).toBe(404);
  });

  it('download URL works, expires and refuses tampering', async () => {
    const bytes = await makePdf();
    const file = await uploadOk(api().app, ada.headers, bytes, 'report.pdf');
    const dl = await api().app.inject({ method: 'GET', url: `/api/files/${file.id}/download`, headers: ada.headers });
    expect(dl.statusCode).toBe(200);
    const { url, expiresAt } = dl.json();
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
    const ok = await api().app.inject({ method: 'GET', url });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-disposition']).toContain('report.pdf');
    expect(Buffer.compare(ok.rawPayload, Buffer.from(bytes))).toBe(0);

    const tampered = url.replace(/sig=([^&]+)/, (_m: string, s: string) => `sig=${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`);
    const bad = await api().app.inject({ method: 'GET', url: tampered });
    expect([bad.statusCode, bad.json().code]).toEqual([403, 'signed_url_invalid']);
    const otherKey = url.replace(/\/uploads\/users\//, '/files/users/');
    expect((await api().app.inject({ method: 'GET', url: otherKey })).json().code).toBe('signed_url_invalid');
    const asPut = await api().app.inject({ method: 'PUT', url, headers: { 'content-type': 'application/pdf' }, payload: Buffer.from('x') });
    expect(asPut.json().code).toBe('signed_url_invalid');

    const row = await api().services.repos.files.getOwned(ada.id, file.id);
    const past = await api().services.blobs.signedDownloadUrl('uploads', row.s3Key, { expiresInSeconds: -5 });
    const expired = await api().app.inject({ method: 'GET', url: past.url });
    expect([expired.statusCode, expired.json().code]).toEqual([403, 'signed_url_expired']);
  });

  it('lists with paging, counts stats (BigInt-safe) and deletes row and blob', async () => {
    const u = await registerUser(api().app, 'files-list');
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = await makePdf({ pages: i + 1 });
      sizes.push(bytes.byteLength);
      await uploadOk(api().app, u.headers, bytes, `f${i}.pdf`);
    }
    const page1 = (await api().app.inject({ method: 'GET', url: '/api/files?page=1&limit=2', headers: u.headers })).json();
    expect(page1).toMatchObject({ page: 1, limit: 2, total: 3 });
    expect(page1.items.map((f: { originalFilename: string }) => f.originalFilename)).toEqual(['f2.pdf', 'f1.pdf']);
    const page2 = (await api().app.inject({ method: 'GET', url: '/api/files?page=2&limit=2', headers: u.headers })).json();
    expect(page2.items.map((f: { originalFilename: string }) => f.originalFilename)).toEqual(['f0.pdf']);
    const stats = (await api().app.inject({ method: 'GET', url: '/api/files/stats', headers: u.headers })).json();
    expect(stats).toEqual({
      totalFiles: 3,
      totalSize: sizes.reduce((a, b) => a + b),
      totalSizeString: String(sizes.reduce((a, b) => a + b)),
    });

    const victim = page1.items[0];
    const row = await api().services.repos.files.getOwned(u.id, victim.id);
    expect(await api().services.blobs.exists('uploads', row.s3Key)).toBe(true);
    const del = await api().app.inject({ method: 'DELETE', url: `/api/files/${victim.id}`, headers: u.headers });
    expect(del.statusCode).toBe(204);
    expect(await api().services.blobs.exists('uploads', row.s3Key)).toBe(false);
    expect((await api().app.inject({ method: 'GET', url: `/api/files/${victim.id}`, headers: u.headers })).statusCode).toBe(404);
    expect((await api().app.inject({ method: 'DELETE', url: `/api/files/${victim.id}`, headers: u.headers })).statusCode).toBe(404);
    const audit = (await api().app.inject({ method: 'GET', url: '/api/audit-logs?limit=100', headers: u.headers })).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['files.upload', 'files.delete']));
  });
  it('the file-processing job through the real queue: processes a stored upload; redelivery changes nothing', async () => {
    const { services } = api();
    const bytes = await makePdf({ pages: 2 });
    const stage = async (name: string, body: Uint8Array) => {
      const key = `users/${ada.id}/uploads/${name}`;
      await services.blobs.put('uploads', key, body, { contentType: 'application/pdf' });
      return services.repos.files.create({
        userId: ada.id,
        originalFilename: name,
        storedFilename: name,
        filePath: key,
        s3Bucket: services.config.storage.buckets.uploads,
        s3Key: key,
        fileSize: BigInt(body.byteLength),
        mimeType: 'application/pdf',
      });
    };
    const row = await stage('queued.pdf', bytes);
    const bad = await stage('queued-bad.pdf', fixture('tests/pdf/inspect/fixtures/user-password-rc4-128.pdf'));
    expect(row.status).toBe('uploaded');
    const handler = fileProcessingHandler(services);
    const stop = await services.queue.consume('file-processing', handler);
    try {
      await services.queue.send('file-processing', { fileId: row.id, userId: ada.id });
      await services.queue.send('file-processing', { fileId: bad.id, userId: ada.id });
      await eventually(
        async () => {
          const files = await Promise.all([row, bad].map((r) => services.repos.files.getOwned(ada.id, r.id)));
          for (const f of files) expect(['ready', 'failed']).toContain(f.status);
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'both uploads to be processed' },
      );
    } finally {
      await stop();
    }
    const ready = await services.repos.files.getOwned(ada.id, row.id);
    expect(ready.status).toBe('ready');
    expect(ready.metadata).toMatchObject({ pageCount: 2, sha256: createHash('sha256').update(bytes).digest('hex') });
    const failed = await services.repos.files.getOwned(ada.id, bad.id);
    expect(failed.status).toBe('failed');
    expect(failed.metadata).toMatchObject({ error: { code: 'pdf_encrypted' } });

    // Redelivery (and a direct call) leave the result as it is; a vanished file is acknowledged.
    await handler({ body: { fileId: row.id, userId: ada.id }, id: 'redelivered', attempt: 2 });
    expect((await processFile(services, { fileId: row.id, userId: ada.id })).updatedAt).toEqual(ready.updatedAt);
    await expect(
      handler({ body: { fileId: '00000000-0000-4000-8000-000000000000', userId: ada.id }, id: 'gone', attempt: 1 }),
    ).resolves.toBeUndefined();
  });

  it('documents every files/templates/fields route in OpenAPI', async () => {
    const doc = (await api().app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const p of [
      '/api/files',
      '/api/files/upload-url',
      '/api/files/{id}/confirm',
      '/api/files/{id}/content',
      '/api/templates/{id}/publish',
      '/api/templates/{id}/fields/positions',
      '/blobs/{bucket}/{*}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/templates'].post.tags).toEqual(['templates']);
  });
});

describe('files API: upload size limit', () => {
  let api: TestApi;
  let user: TestUser;
  beforeAll(async () => {
    api = await createTestApi('pglite', { MAX_UPLOAD_BYTES: '4096' });
    user = await registerUser(api.app, 'limit');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('over the limit → 413 file_too_large, nothing stored (multipart and signed upload)', async () => {
    const big = await makePdf({ pages: 30 });
    expect(big.byteLength).toBeGreaterThan(4096);
    const res = await upload(api.app, user.headers, big, 'big.pdf');
    expect([res.statusCode, res.json().code]).toEqual([413, 'file_too_large']);
    expect(await blobCount(api)).toBe(0);
    expect((await api.app.inject({ method: 'GET', url: '/api/files/stats', headers: user.headers })).json().totalFiles).toBe(0);
    const tmp = path.join(api.dataDir, 'blobs', '.tmp');
    expect(await fs.readdir(tmp).catch(() => [])).toEqual([]);

    const url = await api.app.inject({
      method: 'POST',
      url: '/api/files/upload-url',
      headers: user.headers,
      payload: { filename: 'big.pdf', contentType: 'application/pdf', size: big.byteLength },
    });
    expect([url.statusCode, url.json().code]).toEqual([413, 'file_too_large']);

    const small = await makePdf();
    expect(small.byteLength).toBeLessThan(4096);
    expect((await upload(api.app, user.headers, small)).statusCode).toBe(201);
  });

  it('over real HTTP: a streamed oversize or non-PDF upload gets its answer, not a reset', async () => {
    const base = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const before = await blobCount(api);
    const post = async (bytes: Uint8Array) => {
      const body = multipartBody('x.pdf', bytes);
      const res = await fetch(`${base}/api/files`, {
        method: 'POST',
        headers: { ...user.headers, ...body.headers },
        body: new Uint8Array(body.payload),
      });
      return [res.status, ((await res.json()) as { code: string }).code];
    };
    expect(await post(new Uint8Array(300_000).fill(65))).toEqual([415, 'pdf_not_pdf']);
    const big = Buffer.concat([Buffer.from(await makePdf()), Buffer.alloc(300_000, 32)]);
    expect(await post(big)).toEqual([413, 'file_too_large']);
    const ok = await post(await makePdf());
    expect(ok[0]).toBe(201);
    expect(await blobCount(api)).toBe(before + 1);
  });
});

describe('files and templates on S3 (s3rver over HTTP)', () => {
  const buckets = { uploads: 'pdf-studio-uploads-apitest', generated: 'pdf-studio-generated-apitest', files: 'pdf-studio-files-apitest' };
  let s3: S3rverHandle;
  let api: TestApi;
  let app: FastifyInstance;
  let store: S3BlobStore;
  let user: TestUser;
  beforeAll(async () => {
    s3 = await startS3rver(Object.values(buckets));
    api = await createTestApi('pglite', {
      S3_UPLOAD_BUCKET: buckets.uploads,
      S3_GENERATED_BUCKET: buckets.generated,
      S3_BUCKET: buckets.files,
    });
    // s3rver accepts any credentials; the SDK still needs some to sign with.
    store = new S3BlobStore({
      buckets,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    app = await buildApp({ config: api.services.config, checks: [], services: { ...api.services, blobs: store }, logger: false });
    await app.ready();
    user = await registerUser(app, 's3');
  });
  afterAll(async () => {
    await app?.close();
    store?.client.destroy();
    await api?.close();
    await s3?.stop();
  });

  it('multipart upload, presigned download, presigned PUT + confirm, template base copy and versions', async () => {
    const services = { ...api.services, blobs: store };
    expect((await app.inject({ method: 'GET', url: '/blobs/uploads/x?expires=1&sig=x' })).statusCode).toBe(404); // no local blob routes with S3
    const bytes = await makePdf({ pages: 2 });
    const file = await uploadOk(app, user.headers, bytes, 's3.pdf');
    expect(file).toMatchObject({ status: 'ready', metadata: { pageCount: 2 } });
    const row = await api.services.repos.files.getOwned(user.id, file.id);
    expect(row.s3Bucket).toBe(buckets.uploads);

    const dl = (await app.inject({ method: 'GET', url: `/api/files/${file.id}/download`, headers: user.headers })).json();
    expect(dl.url).toMatch(new RegExp(`^${s3.endpoint}/${buckets.uploads}/`));
    const fetched = await fetch(dl.url);
    expect(fetched.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await fetched.arrayBuffer()), Buffer.from(bytes))).toBe(0);

    const other = await makePdf({ pages: 1 });
    const grant = (
      await app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: user.headers,
        payload: { filename: 'presigned.pdf', contentType: 'application/pdf', size: other.byteLength },
      })
    ).json();
    const put = await fetch(grant.uploadUrl, { method: 'PUT', headers: grant.headers, body: Buffer.from(other) });
    expect(put.status).toBe(200);
    const confirmed = await app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: user.headers });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().file).toMatchObject({ status: 'ready', metadata: { pageCount: 1 } });

    const t = (
      await app.inject({ method: 'POST', url: '/api/templates', headers: user.headers, payload: { fileId: file.id, name: 'On S3' } })
    ).json().template;
    expect(await store.exists('files', `templates/${t.templateId}/base.pdf`)).toBe(true);
    await app.inject({
      method: 'POST',
      url: `/api/templates/${t.templateId}/fields`,
      headers: user.headers,
      payload: { name: 'n', type: 'text', page: 2, position: { x: 1, y: 1 }, size: { width: 50, height: 10 }, bindingKey: 'n' },
    });
    expect(
      (await app.inject({ method: 'POST', url: `/api/templates/${t.templateId}/publish`, headers: user.headers })).json().version,
    ).toBe(1);
    const v1 = await loadTemplateVersion(services, user.id, t.templateId);
    expect(v1.version).toBe(1);
    expect(v1.fields.map((f) => f.page)).toEqual([2]);
    expect((await PDFDocument.load(v1.base)).getPageCount()).toBe(2);
    expect((await app.inject({ method: 'DELETE', url: `/api/templates/${t.templateId}`, headers: user.headers })).statusCode).toBe(204);
    // Restorable for TEMPLATE_UNDO_DAYS: the base and the versions stay until the undo period is over.
    expect((await store.list('files', { prefix: `templates/${t.templateId}/` })).items.length).toBeGreaterThan(1);
    const afterUndo = new Date(Date.now() + (services.config.limits.templateUndoDays + 1) * 86_400_000);
    expect((await purgeExpiredTemplates(services, afterUndo)).expiredTemplates).toBeGreaterThanOrEqual(1);
    expect((await store.list('files', { prefix: `templates/${t.templateId}/` })).items).toEqual([]);
  });
});
