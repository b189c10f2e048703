import { expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { makePdf } from './upload-helpers.js';

/**
 * A signed upload URL stores once. A second PUT to it after confirm used to replace the confirmed
 * PDF with whatever was sent, which /content then served as application/pdf.
 */
forEachApi('signed upload URLs are single use', (api) => {
  let user: TestUser;
  let grant: { fileId: string; uploadUrl: string; headers: Record<string, string> };
  let original: Buffer;

  it('uploads and confirms a PDF through a signed URL; the PUT is audited', async () => {
    user = await registerUser(api().app, 'upload-once');
    original = Buffer.from(await makePdf({ pages: 1 }));
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/files/upload-url',
      headers: user.headers,
      payload: { filename: 'once.pdf', contentType: 'application/pdf', size: original.length },
    });
    expect(res.statusCode, res.body).toBe(201);
    grant = res.json();
    const put = await api().app.inject({ method: 'PUT', url: grant.uploadUrl, headers: grant.headers, payload: original });
    expect(put.statusCode, put.body).toBe(200);
    const confirm = await api().app.inject({ method: 'POST', url: `/api/files/${grant.fileId}/confirm`, headers: user.headers });
    expect(confirm.json().file?.status, confirm.body).toBe('ready');

    const [entry] = await api().services.repos.auditLogs.listByRequest(String(put.headers['x-request-id']));
    expect(entry).toMatchObject({ action: 'blobs.put', resourceType: 'blob', resourceId: put.json().key });
    expect(entry?.details).toMatchObject({ bucket: 'uploads', size: original.length });
  });

  it('answers a second PUT with 409 upload_url_used and keeps serving the original bytes', async () => {
    const junk = Buffer.alloc(original.length, 'J');
    const again = await api().app.inject({ method: 'PUT', url: grant.uploadUrl, headers: grant.headers, payload: junk });
    expect([again.statusCode, again.json().code]).toEqual([409, 'upload_url_used']);
    expect(again.headers['content-type']).toContain('application/problem+json');

    const content = await api().app.inject({ method: 'GET', url: `/api/files/${grant.fileId}/content`, headers: user.headers });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toContain('application/pdf');
    expect(Buffer.compare(content.rawPayload, original)).toBe(0);
  });

  it('refuses a second PUT before confirm too, and confirm then takes the first bytes', async () => {
    const bytes = Buffer.from(await makePdf({ pages: 2 }));
    const g = (
      await api().app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: user.headers,
        payload: { filename: 'twice.pdf', contentType: 'application/pdf', size: bytes.length },
      })
    ).json();
    expect((await api().app.inject({ method: 'PUT', url: g.uploadUrl, headers: g.headers, payload: bytes })).statusCode).toBe(200);
    const second = await api().app.inject({
      method: 'PUT',
      url: g.uploadUrl,
      headers: g.headers,
      payload: Buffer.alloc(bytes.length, 'J'),
    });
    expect([second.statusCode, second.json().code]).toEqual([409, 'upload_url_used']);
    const confirm = await api().app.inject({ method: 'POST', url: `/api/files/${g.fileId}/confirm`, headers: user.headers });
    expect(confirm.json().file).toMatchObject({ status: 'ready', metadata: { pageCount: 2 } });
  });
});
