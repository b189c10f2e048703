import { expect, it } from 'vitest';
import { cleanupHandler } from '@/workers/cleanup.js';
import { runIntegrityCheck } from '@/services/maintenance/integrity.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from '../api/generate-fixtures.js';

const data = { customer: { name: 'Grace Hopper' }, amount: 5 };

forEachApi('cleanup and integrity', (api) => {
  let a: TestUser;
  let adminHeaders: Record<string, string>;
  let templateId: string;

  async function generate(): Promise<{ id: string; key: string }> {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: a.headers,
      payload: { data },
    });
    expect(res.statusCode, res.body).toBe(200);
    const row = await api().services.repos.generatedPdfs.getInternal(res.json().id);
    return { id: row.id, key: row.storageKey! };
  }

  it('sets up', async () => {
    a = await registerUser(api().app, 'clean-a');
    ({ templateId } = await createTemplate(api().app, a.headers));
    const boss = await registerUser(api().app, 'clean-admin');
    await api().services.repos.users.setRole(boss.id, 'admin');
    const login = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: boss.email, password: 'correct horse battery' },
    });
    adminHeaders = { authorization: `Bearer ${login.json().accessToken}` };
  });

  it('cleanup_expired_pdfs (queue message) removes expired rows and their blobs, keeps the rest', async () => {
    const { services } = api();
    const keep = await generate();
    const old = await generate();
    // Make one expired, as if its retention had passed.
    await api().db.prisma.generatedPdf.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await cleanupHandler(services)({ id: 'm1', attempt: 1, body: { action: 'cleanup_expired_pdfs', olderThanDays: 30 } });
    await expect(services.repos.generatedPdfs.getInternal(old.id)).rejects.toThrow(/not found/);
    expect(await services.blobs.exists('generated', old.key)).toBe(false);
    expect((await services.repos.generatedPdfs.getInternal(keep.id)).status).toBe('completed');
    expect(await services.blobs.exists('generated', keep.key)).toBe(true);
    // The worker's run is in the audit log, with what it removed.
    const { items } = await services.repos.auditLogs.listByResource('system', 'cleanup_expired_pdfs');
    expect(items[0]).toMatchObject({ action: 'worker.cleanup_expired_pdfs', actorId: null, details: { messageId: 'm1', via: 'worker' } });
    expect((items[0].details as { result: { expiredPdfs: number } }).result.expiredPdfs).toBeGreaterThanOrEqual(1);
  });

  it('POST /api/admin/cleanup is for admins; olderThanDays: 0 removes everything generated', async () => {
    expect((await api().app.inject({ method: 'POST', url: '/api/admin/cleanup', headers: a.headers, payload: {} })).statusCode).toBe(403);
    const pdf = await generate();
    const res = await api().app.inject({ method: 'POST', url: '/api/admin/cleanup', headers: adminHeaders, payload: { olderThanDays: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().expiredPdfs).toBeGreaterThanOrEqual(1);
    expect(await api().services.blobs.exists('generated', pdf.key)).toBe(false);
  });

  it('integrity: reports a generated PDF whose blob is gone, a stray blob, a template whose base is gone; repair fixes them', async () => {
    const { services } = api();
    const clean = await runIntegrityCheck(services);
    expect(clean.issues).toEqual([]);
    const pdf = await generate();
    await services.blobs.delete('generated', pdf.key);
    const old = new Date(Date.now() + 2 * 3_600_000); // "now" two hours ahead: fresh blobs count as old enough
    await services.blobs.put('uploads', `users/${a.id}/uploads/stray.pdf`, new Uint8Array([37, 80, 68, 70]), {
      contentType: 'application/pdf',
    });
    const { templateId: doomed } = await createTemplate(api().app, a.headers);
    const template = await services.repos.templates.getInternal(doomed);
    const baseKey = (template.metadata as { baseKey?: string }).baseKey ?? `templates/${doomed}/base.pdf`;
    await services.blobs.delete('files', baseKey);
    const report = await runIntegrityCheck(services, { now: old });
    const kinds = report.issues.map((i) => `${i.kind}:${i.id}`).sort();
    expect(kinds).toEqual(
      [
        `generated_pdf_without_blob:${pdf.id}`,
        `template_without_file:${doomed}`,
        `upload_blob_without_row:users/${a.id}/uploads/stray.pdf`,
      ].sort(),
    );
    expect(report.repaired).toBe(0);
    const repaired = await api().app.inject({
      method: 'POST',
      url: '/api/admin/integrity',
      headers: adminHeaders,
      payload: { repair: true },
    });
    expect(repaired.statusCode, repaired.body).toBe(200);
    // The stray blob is younger than the grace period for the route's real clock; the rest is repaired.
    expect(repaired.json().repaired).toBe(2);
    const after = await runIntegrityCheck(services, { now: old, repair: true });
    expect(after.issues.map((i) => i.kind)).toEqual(['upload_blob_without_row']);
    expect((await runIntegrityCheck(services, { now: old })).issues).toEqual([]);
  });
});
