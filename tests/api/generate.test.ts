import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText, readFormFields } from '../helpers/pdf-readback.js';
import { MAX_INLINE_PDF_BYTES } from '@/api/generate/routes.js';
import { basePdf, createTemplate } from './generate-fixtures.js';
import type { FastifyInstance } from 'fastify';

const valid = { customer: { name: 'Ada Lovelace' }, email: 'ada@example.com', amount: 1234.5 };

/** GETs a signed URL of the local blob driver through the same app (path and query only). */
async function fetchSigned(app: FastifyInstance, url: string) {
  const u = new URL(url, 'http://localhost');
  return app.inject({ method: 'GET', url: u.pathname + u.search });
}

forEachApi('sync generation and preflight', (api) => {
  let a: TestUser;
  let b: TestUser;
  let templateId: string;

  it('sets up users and a template', async () => {
    a = await registerUser(api().app, 'gen-a');
    b = await registerUser(api().app, 'gen-b');
    ({ templateId } = await createTemplate(api().app, a.headers));
  });

  it('generates a PDF with Accept: application/pdf; the text reads back', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...a.headers, accept: 'application/pdf' },
      payload: { data: valid },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(JSON.parse(String(res.headers['x-pdf-warnings']))).toEqual([]);
    const text = await pageText(res.rawPayload);
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('ada@example.com');
    expect(text).not.toContain('TEST MODE');
    const id = String(res.headers['x-generated-pdf-id']);
    const row = await api().app.inject({ method: 'GET', url: `/api/generated-pdfs/${id}`, headers: a.headers });
    expect(row.json()).toMatchObject({
      id,
      templateId,
      status: 'completed',
      pageCount: 1,
      testMode: false,
      fileSize: res.rawPayload.length,
    });
    const expires = new Date(row.json().expiresAt).getTime();
    expect(expires - Date.now()).toBeGreaterThan((api().services.config.limits.pdfRetentionDays - 1) * 86_400_000);
  });

  it('answers JSON with a signed URL by default; the URL serves the same document; tampered fails', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: a.headers,
      payload: { data: valid },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ pageCount: 1, warnings: [] });
    const dl = await fetchSigned(api().app, body.url);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.length).toBe(body.fileSize);
    expect(await pageText(dl.rawPayload)).toContain('Ada Lovelace');
    const tampered = await fetchSigned(
      api().app,
      body.url.replace(/sig=([0-9a-zA-Z_-])/, (_m: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`),
    );
    expect(tampered.statusCode).toBe(403);
    expect(tampered.json().code).toMatch(/signature_invalid|signed_url_invalid/);
    const row = await api().services.repos.generatedPdfs.getInternal(body.id);
    const short = await api().services.blobs.signedDownloadUrl('generated', row.storageKey!, { expiresInSeconds: 60 });
    expect((await fetchSigned(api().app, short.url)).statusCode).toBe(200);
    // Only Date is faked, so the request's I/O still runs; the clock moves past the URL's expiry.
    vi.useFakeTimers({ toFake: ['Date'], now: short.expiresAt.getTime() + 1_000 });
    try {
      const expired = await fetchSigned(api().app, short.url);
      expect(expired.statusCode).toBe(403);
      expect(expired.json().code).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a document above the Lambda response cap is answered with a download URL even to Accept: application/pdf', async () => {
    // The base carries an incompressible 4.5 MB stream, so every document made from it is larger
    // than MAX_INLINE_PDF_BYTES (what API Gateway + Lambda can return as base64).
    const doc = await PDFDocument.load(await basePdf());
    doc.context.register(doc.context.flateStream(randomBytes(4.5 * 1024 * 1024)));
    const big = await doc.save();
    expect(big.byteLength).toBeGreaterThan(MAX_INLINE_PDF_BYTES);
    const { templateId: bigId } = await createTemplate(api().app, a.headers, undefined, true, big);
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${bigId}/generate`,
      headers: { ...a.headers, accept: 'application/pdf' },
      payload: { data: valid },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const link = res.json();
    expect(link.fileSize).toBeGreaterThan(MAX_INLINE_PDF_BYTES);
    const dl = await fetchSigned(api().app, link.url);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.length).toBe(link.fileSize);
    expect(await pageText(dl.rawPayload)).toContain('Ada Lovelace');
  }, 60_000);

  it('rejects invalid data with 422 payload_invalid listing every field', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: a.headers,
      payload: { data: { email: 'not-an-email', amount: -3 } },
    });
    expect(res.statusCode, res.body).toBe(422);
    const problem = res.json();
    expect(problem.code).toBe('payload_invalid');
    const paths = problem.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['amount', 'customer.name', 'email']);
    // Nothing was stored for a rejected request.
    const list = await api().app.inject({ method: 'GET', url: '/api/generated-pdfs?limit=100', headers: a.headers });
    expect(list.json().items.every((p: { status: string }) => p.status === 'completed')).toBe(true);
  });

  it('preflight reports errors without generating', async () => {
    const ok = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/preflight`,
      headers: a.headers,
      payload: { data: valid },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, errors: [], missingGlyphs: [], fontWarnings: [] });
    const bad = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/preflight`,
      headers: a.headers,
      payload: { data: { customer: { name: 'Zoë ཀཁ' }, amount: 'x' } },
    });
    const body = bad.json();
    expect(body.ok).toBe(false);
    expect(body.errors.map((e: { bindingKey: string }) => e.bindingKey)).toContain('amount');
    expect(body.missingGlyphs.map((g: { char: string }) => g.char)).toEqual(expect.arrayContaining(['ཀ', 'ཁ']));
  });

  it('flatten: false leaves fillable form fields; flatten: true none', async () => {
    const gen = (flatten: boolean) =>
      api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/generate`,
        headers: { ...a.headers, accept: 'application/pdf' },
        payload: { data: valid, flatten },
      });
    const fillable = await readFormFields((await gen(false)).rawPayload);
    expect(fillable.length).toBeGreaterThanOrEqual(2);
    expect(fillable.map((f) => f.value)).toContain('Ada Lovelace');
    const flat = await gen(true);
    expect(await readFormFields(flat.rawPayload)).toEqual([]);
    expect(await pageText(flat.rawPayload)).toContain('Ada Lovelace');
  });

  it('testMode watermarks the document and flags the row', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...a.headers, accept: 'application/pdf' },
      payload: { data: valid, testMode: true },
    });
    expect(res.statusCode).toBe(200);
    expect(await pageText(res.rawPayload)).toContain('TEST MODE');
    const row = await api().app.inject({
      method: 'GET',
      url: `/api/generated-pdfs/${String(res.headers['x-generated-pdf-id'])}`,
      headers: a.headers,
    });
    expect(row.json().testMode).toBe(true);
    expect((await PDFDocument.load(res.rawPayload)).getPageCount()).toBe(1);
  });

  it('generates the latest published version by default; a draft edit only with version: draft', async () => {
    const field = {
      name: 'Note',
      type: 'text',
      page: 1,
      position: { x: 50, y: 300 },
      size: { width: 300, height: 24 },
      bindingKey: 'note',
    };
    const add = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/fields`, headers: a.headers, payload: field });
    expect(add.statusCode, add.body).toBe(201);
    const gen = (version?: number | 'draft') =>
      api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/generate`,
        headers: { ...a.headers, accept: 'application/pdf' },
        payload: { data: { ...valid, note: 'Draft-only note' }, ...(version ? { version } : {}) },
      });
    expect(await pageText((await gen()).rawPayload)).not.toContain('Draft-only note');
    expect(await pageText((await gen(1)).rawPayload)).not.toContain('Draft-only note');
    expect(await pageText((await gen('draft')).rawPayload)).toContain('Draft-only note');
  });

  it('an unknown version is 404', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: a.headers,
      payload: { data: valid, version: 99 },
    });
    expect(res.statusCode).toBe(404);
  });

  it('generated PDFs: list, download URL, delete removes row and blob', async () => {
    const list = await api().app.inject({ method: 'GET', url: '/api/generated-pdfs?limit=100', headers: a.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBeGreaterThanOrEqual(4);
    const first = list.json().items[0];
    const dl = await api().app.inject({ method: 'GET', url: `/api/generated-pdfs/${first.id}/download`, headers: a.headers });
    expect(dl.statusCode).toBe(200);
    const fetched = await fetchSigned(api().app, dl.json().url);
    expect(fetched.statusCode).toBe(200);
    const row = await api().services.repos.generatedPdfs.getInternal(first.id);
    const del = await api().app.inject({ method: 'DELETE', url: `/api/generated-pdfs/${first.id}`, headers: a.headers });
    expect(del.statusCode).toBe(204);
    expect(await api().services.blobs.exists('generated', row.storageKey!)).toBe(false);
    expect((await api().app.inject({ method: 'GET', url: `/api/generated-pdfs/${first.id}`, headers: a.headers })).statusCode).toBe(404);
    expect((await fetchSigned(api().app, dl.json().url)).statusCode).toBe(404);
  });

  describe("authorization: user B on A's resources answers 404 and changes nothing", () => {
    it('templates, generated PDFs', async () => {
      const pdfs = await api().app.inject({ method: 'GET', url: '/api/generated-pdfs', headers: a.headers });
      const pdfId = pdfs.json().items[0].id;
      const tries = [
        { method: 'POST' as const, url: `/api/templates/${templateId}/generate`, payload: { data: valid } },
        { method: 'POST' as const, url: `/api/templates/${templateId}/preflight`, payload: { data: valid } },
        { method: 'POST' as const, url: `/api/templates/${templateId}/jobs`, payload: { records: [valid] } },
        { method: 'GET' as const, url: `/api/generated-pdfs/${pdfId}` },
        { method: 'GET' as const, url: `/api/generated-pdfs/${pdfId}/download` },
        { method: 'DELETE' as const, url: `/api/generated-pdfs/${pdfId}` },
      ];
      for (const t of tries) {
        const res = await api().app.inject({ ...t, headers: b.headers });
        expect(res.statusCode, `${t.method} ${t.url}`).toBe(404);
      }
      expect((await api().app.inject({ method: 'GET', url: '/api/generated-pdfs', headers: b.headers })).json().total).toBe(0);
      expect((await api().app.inject({ method: 'GET', url: `/api/generated-pdfs/${pdfId}`, headers: a.headers })).statusCode).toBe(200);
      expect(
        (await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/generate`, payload: { data: valid } })).statusCode,
      ).toBe(401);
    });
  });
});
