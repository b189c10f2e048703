import { unzipSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { expect, it } from 'vitest';
import { NotFoundError } from '@/shared/errors.js';
import { pdfGenerationHandler } from '@/workers/pdf-generation.js';
import { fileProcessingHandler } from '@/workers/file-processing.js';
import { cleanupExpired } from '@/services/maintenance/cleanup.js';
import { deleteAccount } from '@/services/accounts/deletion.js';
import { exportAccount } from '@/services/accounts/export.js';
import type { BucketName } from '@/shared/storage/index.js';
import { registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';
import { makePdf, uploadOk } from './upload-helpers.js';
import { forEachRig, type Rig } from './data-rights-rig.js';
import { eventually } from '../helpers/eventually.js';

/** POST /api/account/export answers 202 and a task; the cleanup worker builds the ZIP: poll until completed. */
async function exportViaApi(rig: Rig, headers: Record<string, string>) {
  const res = await rig.app.inject({ method: 'POST', url: '/api/account/export', headers });
  expect(res.statusCode, res.body).toBe(202);
  const { id, status } = res.json().export;
  expect(['queued', 'running']).toContain(status);
  expect(res.headers.location).toBe(`/api/account/export/${id}`);
  return eventually(
    async () => {
      const poll = await rig.app.inject({ method: 'GET', url: `/api/account/export/${id}`, headers });
      expect(poll.statusCode, poll.body).toBe(200);
      expect(poll.json().status).toBe('completed');
      return poll.json();
    },
    { timeoutMs: 60_000, what: 'the export to complete' },
  );
}

/** A deletion answered 202 with a task: poll its status (no credentials: the account's are gone) until completed. */
async function deletionDone(rig: Rig, res: { statusCode: number; body: string; json(): { deletion: { id: string } } }) {
  expect(res.statusCode, res.body).toBe(202);
  const { id } = res.json().deletion;
  return eventually(
    async () => {
      const poll = await rig.app.inject({ method: 'GET', url: `/api/account/deletions/${id}` });
      expect(poll.statusCode, poll.body).toBe(200);
      expect(poll.json().status).toBe('completed');
      return poll.json();
    },
    { timeoutMs: 60_000, what: 'the deletion to complete' },
  );
}

const PASSWORD = 'correct horse battery';
const data = { customer: { name: 'Ada Lovelace' }, amount: 7 };

/** What one account owns after `populate`: ids to find in the export and to look for after deletion. */
interface Owned {
  user: TestUser;
  templateId: string;
  templateFileId: string;
  fileId: string;
  pdfId: string;
  pdfKey: string;
  jobId: string;
  apiKey: string;
  apiKeyId: string;
}

async function populate(rig: Rig, name: string): Promise<Owned> {
  const { app, services } = rig;
  const user = await registerUser(app, name);
  const { templateId, fileId: templateFileId } = await createTemplate(app, user.headers);
  const file = await uploadOk(app, user.headers, await makePdf({ pages: 2 }), `${name}-extra.pdf`);
  const gen = await app.inject({ method: 'POST', url: `/api/templates/${templateId}/generate`, headers: user.headers, payload: { data } });
  expect(gen.statusCode, gen.body).toBe(200);
  const pdf = await services.repos.generatedPdfs.getInternal(gen.json().id);
  // No consumer runs in this API: the job stays queued, as work waiting when an account goes.
  const job = await app.inject({
    method: 'POST',
    url: `/api/templates/${templateId}/jobs`,
    headers: user.headers,
    payload: { records: [data, data] },
  });
  expect(job.statusCode, job.body).toBe(202);
  const key = await app.inject({ method: 'POST', url: '/api/api-keys', headers: user.headers, payload: { name: `${name} server` } });
  expect(key.statusCode, key.body).toBe(201);
  return {
    user,
    templateId,
    templateFileId,
    fileId: file.id,
    pdfId: pdf.id,
    pdfKey: pdf.storageKey!,
    jobId: job.json().job.id,
    apiKey: key.json().key,
    apiKeyId: key.json().id,
  };
}

async function blobBytes(rig: Rig, bucket: BucketName, key: string): Promise<Buffer> {
  return buffer((await rig.services.blobs.get(bucket, key)).body);
}

async function keysUnder(rig: Rig, bucket: BucketName, prefix: string): Promise<string[]> {
  return (await rig.services.blobs.list(bucket, { prefix, limit: 1000 })).items.map((i) => i.key);
}

forEachRig('account export and deletion', (rig) => {
  let a: Owned;
  let b: Owned;
  let adminHeaders: Record<string, string>;
  let adminId: string;

  it('sets up two accounts with templates, files, documents, jobs and keys, and an admin', async () => {
    a = await populate(rig(), 'rights-a');
    b = await populate(rig(), 'rights-b');
    const admin = await registerUser(rig().app, 'rights-admin');
    await rig().services.repos.users.setRole(admin.id, 'admin');
    const login = await rig().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: PASSWORD } });
    adminHeaders = { authorization: `Bearer ${login.json().accessToken}` };
    adminId = admin.id;
  }, 60_000);

  it('exports a ZIP of the account: its records as JSON and its documents, nothing of another account', async () => {
    const { app, services } = rig();
    // An API key acts for the account's integrations, not for the person: a signed-in user only.
    const keyed = await app.inject({ method: 'POST', url: '/api/account/export', headers: { 'x-api-key': a.apiKey } });
    expect([keyed.statusCode, keyed.json().code]).toEqual([403, 'forbidden']);
    const body = await exportViaApi(rig(), a.user.headers);
    // Another account cannot read it.
    expect((await app.inject({ method: 'GET', url: `/api/account/export/${body.id}`, headers: b.user.headers })).statusCode).toBe(404);
    expect(body.counts).toMatchObject({
      templates: 1,
      fields: 3,
      versions: 1,
      files: 2,
      generatedPdfs: 1,
      jobs: 1,
      apiKeys: 1,
      signingCertificates: 0,
      missingBlobs: 0,
    });
    // base + version snapshot + two uploads + one generated PDF
    expect(body.counts.blobs).toBe(5);
    const zip = await rig().fetchSigned(body.url);
    expect(zip.status).toBe(200);
    expect(zip.body.length).toBe(body.size);
    const entries = unzipSync(new Uint8Array(zip.body));
    const text = (name: string) => Buffer.from(entries[name]).toString('utf8');
    const parse = (name: string) => JSON.parse(text(name));
    expect(Object.keys(entries).sort()).toEqual(
      [
        'account.json',
        'templates.json',
        `templates/${a.templateId}/base.pdf`,
        `templates/${a.templateId}/versions/1.json`,
        'files.json',
        `files/${a.templateFileId}.pdf`,
        `files/${a.fileId}.pdf`,
        'generated-pdfs.json',
        `generated-pdfs/${a.pdfId}.pdf`,
        'jobs.json',
        'api-keys.json',
        'signing-certificates.json',
        'audit-logs.json',
      ].sort(),
    );
    const account = parse('account.json');
    expect(account.user).toMatchObject({ id: a.user.id, email: a.user.email, name: 'rights-a' });
    expect(account.user.passwordHash).toBeUndefined();
    const [t] = parse('templates.json');
    expect(t.template).toMatchObject({ templateId: a.templateId, userId: a.user.id, name: 'Invoice' });
    expect(t.fields.map((f: { bindingKey: string }) => f.bindingKey).sort()).toEqual(['amount', 'customer.name', 'email']);
    expect(t.versions).toMatchObject([{ version: 1, fieldCount: 3 }]);
    expect(JSON.parse(text(`templates/${a.templateId}/versions/1.json`))).toMatchObject({
      version: 1,
      template: { templateId: a.templateId },
    });
    const base = await services.repos.templates.getInternal(a.templateId);
    expect(
      Buffer.compare(
        Buffer.from(entries[`templates/${a.templateId}/base.pdf`]),
        await blobBytes(rig(), 'files', (base.metadata as { baseKey: string }).baseKey),
      ),
    ).toBe(0);
    const files = parse('files.json');
    expect(files.map((f: { id: string }) => f.id).sort()).toEqual([a.templateFileId, a.fileId].sort());
    const extra = await services.repos.files.getOwned(a.user.id, a.fileId);
    expect(Buffer.compare(Buffer.from(entries[`files/${a.fileId}.pdf`]), await blobBytes(rig(), 'uploads', extra.s3Key))).toBe(0);
    expect((await PDFDocument.load(entries[`files/${a.fileId}.pdf`])).getPageCount()).toBe(2);
    expect(parse('generated-pdfs.json')).toMatchObject([{ id: a.pdfId, status: 'completed', templateId: a.templateId }]);
    const generated = entries[`generated-pdfs/${a.pdfId}.pdf`];
    expect(Buffer.compare(Buffer.from(generated), await blobBytes(rig(), 'generated', a.pdfKey))).toBe(0);
    expect((await PDFDocument.load(generated)).getPageCount()).toBe(1);
    expect(parse('jobs.json')).toMatchObject([{ id: a.jobId, total: 2, status: 'queued' }]);
    const [key] = parse('api-keys.json');
    expect(key).toMatchObject({ id: a.apiKeyId, name: 'rights-a server' });
    expect(key.keyHash).toBeUndefined();
    const actions = parse('audit-logs.json').map((r: { action: string; actorId: string }) => {
      expect(r.actorId).toBe(a.user.id);
      return r.action;
    });
    expect(actions).toEqual(expect.arrayContaining(['auth.register', 'api_keys.create']));
    // Nothing of the other account, and no secret, anywhere in the archive.
    const all = Object.values(entries)
      .map((e) => Buffer.from(e).toString('latin1'))
      .join('\n');
    for (const foreign of [b.user.id, b.user.email, b.templateId, b.fileId, b.pdfId, b.jobId, b.apiKeyId])
      expect(all).not.toContain(foreign);
    expect(all).not.toContain(a.apiKey);
    expect(all).not.toContain('scrypt');
    // Audited.
    const audit = await services.repos.auditLogs.listByUser(a.user.id, { action: 'account.export' });
    expect(audit.items[0]).toMatchObject({ resourceType: 'user', resourceId: a.user.id, details: { size: body.size } });
  }, 60_000);

  it('an export whose database or storage fails part-way fails, and leaves no ZIP behind', async () => {
    const { services, app } = rig();
    const e = await registerUser(app, 'rights-e');
    await createTemplate(app, e.headers);
    const jobsDown = {
      ...services,
      repos: {
        ...services.repos,
        generationJobs: Object.assign(Object.create(services.repos.generationJobs) as typeof services.repos.generationJobs, {
          listByUser: () => Promise.reject(new Error('database went away')),
        }),
      },
    };
    await expect(exportAccount(jobsDown, e.id)).rejects.toThrow('database went away');
    const storageDown = {
      ...services,
      blobs: Object.assign(Object.create(Object.getPrototypeOf(services.blobs) as object) as typeof services.blobs, services.blobs, {
        get: async (bucket: BucketName, key: string) => {
          const real = await services.blobs.get(bucket, key);
          real.body.destroy();
          const body = new Readable({ read() {} });
          setImmediate(() => body.destroy(new Error('connection reset')));
          return { ...real, body };
        },
      }),
    };
    await expect(exportAccount(storageDown, e.id)).rejects.toThrow('connection reset');
    expect(await keysUnder(rig(), 'generated', `exports/${e.id}/`)).toEqual([]);
    // And with both up again, it works.
    expect((await exportAccount(services, e.id)).counts).toMatchObject({ templates: 1, files: 1, missingBlobs: 0 });
  }, 60_000);

  it('refuses deletion with the wrong password or an API key, and keeps everything', async () => {
    const { app, services } = rig();
    const wrong = await app.inject({
      method: 'DELETE',
      url: '/api/profile',
      headers: a.user.headers,
      payload: { password: 'not it at all' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    const missing = await app.inject({ method: 'DELETE', url: '/api/profile', headers: a.user.headers, payload: {} });
    expect(missing.statusCode).toBe(400);
    const keyed = await app.inject({
      method: 'DELETE',
      url: '/api/profile',
      headers: { 'x-api-key': a.apiKey },
      payload: { password: PASSWORD },
    });
    expect(keyed.statusCode).toBe(403);
    expect((await services.repos.users.findById(a.user.id)).email).toBe(a.user.email);
    expect(await services.blobs.exists('generated', a.pdfKey)).toBe(true);
  });

  it('deletes the account with everything it owns; its tokens and keys stop at once; the audit trail is anonymised', async () => {
    const { app, services, api } = rig();
    const prisma = api.db.prisma;
    const beforeRows = await prisma.auditLog.count({ where: { actorId: a.user.id } });
    expect(beforeRows).toBeGreaterThan(5);
    const res = await app.inject({ method: 'DELETE', url: '/api/profile', headers: a.user.headers, payload: { password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(202);
    // Unusable at once, before the background part has necessarily run.
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: a.user.headers })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.user.email, password: PASSWORD } })).json().code,
    ).toBe('invalid_credentials');
    const status = await deletionDone(rig(), res);
    expect(status.deleted).toMatchObject({
      templates: 1,
      fields: 3,
      files: 2,
      generatedPdfs: 1,
      jobs: 1,
      jobsCancelled: 1,
      apiKeys: 1,
      sessions: 1,
    });
    // export ZIP + two uploads + generated PDF + base + version snapshot
    expect(status.deleted.blobs).toBe(6);
    expect(JSON.stringify(status)).not.toContain(a.user.id);

    // Every credential of the account is refused from the next request on.
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: a.user.headers })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/templates', headers: { 'x-api-key': a.apiKey } })).json().code).toBe(
      'api_key_invalid',
    );
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: a.user.refreshToken } })).statusCode,
    ).toBe(401);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.user.email, password: PASSWORD } });
    expect(login.json().code).toBe('invalid_credentials');

    // Rows (PostgreSQL), items (DynamoDB) and blobs (the store) are gone.
    const where = { where: { userId: a.user.id } };
    expect(await prisma.user.count({ where: { id: a.user.id } })).toBe(0);
    expect(
      await Promise.all([
        prisma.profile.count(where),
        prisma.uploadedFile.count(where),
        prisma.generatedPdf.count(where),
        prisma.generationJob.count(where),
        prisma.apiKey.count(where),
        prisma.refreshToken.count(where),
        prisma.loginAddress.count(where),
      ]),
    ).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(await services.repos.templates.find(a.templateId)).toBeUndefined();
    expect(await services.repos.fields.listByTemplate(a.templateId)).toEqual([]);
    expect(await keysUnder(rig(), 'uploads', `users/${a.user.id}/`)).toEqual([]);
    expect(await keysUnder(rig(), 'generated', `users/${a.user.id}/`)).toEqual([]);
    expect(await keysUnder(rig(), 'generated', `exports/${a.user.id}/`)).toEqual([]);
    expect(await keysUnder(rig(), 'files', `templates/${a.templateId}/`)).toEqual([]);

    // The trail no longer names the account: its rows carry a pseudonym, without addresses or details.
    expect(await prisma.auditLog.count({ where: { actorId: a.user.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { resourceType: 'user', resourceId: a.user.id } })).toBe(0);
    const deleted = await prisma.auditLog.findFirstOrThrow({
      where: { action: 'account.deleted', details: { path: ['via'], equals: 'self' } },
    });
    expect(deleted).toMatchObject({ actorId: null, resourceType: 'user', ip: null, userAgent: null });
    expect(deleted.anonymisedAt).toBeInstanceOf(Date);
    expect(deleted.details).toMatchObject({ via: 'self', counts: { templates: 1, files: 2 }, auditKeptDays: 365 });
    const pseudonym = deleted.resourceId!;
    const kept = await prisma.auditLog.findMany({ where: { actorId: pseudonym } });
    expect(kept.length).toBe(beforeRows);
    for (const row of kept) {
      expect(row).toMatchObject({ ip: null, userAgent: null });
      expect(row.anonymisedAt).toBeInstanceOf(Date);
      expect(Object.keys(row.details as object).every((k) => k === 'status' || k === 'via')).toBe(true);
    }
    expect(JSON.stringify(await prisma.auditLog.findMany())).not.toContain(a.user.email);

    // The other account is untouched.
    expect((await app.inject({ method: 'GET', url: `/api/templates/${b.templateId}`, headers: b.user.headers })).statusCode).toBe(200);
    expect(await services.blobs.exists('generated', b.pdfKey)).toBe(true);
    expect((await services.repos.generatedPdfs.getOwned(b.user.id, b.pdfId)).status).toBe('completed');
  }, 60_000);

  it('queued work of the deleted account writes nothing: job records are dropped, other messages fail', async () => {
    const { services, api } = rig();
    const handle = pdfGenerationHandler(services);
    const record = { templateId: a.templateId, userId: a.user.id, payload: data, jobId: a.jobId, recordIndex: 0 };
    // A record of the deleted account's job finds no job: acknowledged (not retried into the DLQ), nothing written.
    await expect(handle({ id: 'late-record', attempt: 1, body: record })).resolves.toBeUndefined();
    const single = { templateId: a.templateId, userId: a.user.id, payload: data };
    await expect(handle({ id: 'late-single', attempt: 1, body: single })).rejects.toBeInstanceOf(NotFoundError);
    // A deleted file's processing message is acknowledged (resolves) and recreates nothing.
    await fileProcessingHandler(services)({ id: 'late-file', attempt: 1, body: { fileId: a.fileId, userId: a.user.id } });
    expect(await api.db.prisma.generatedPdf.count({ where: { userId: a.user.id } })).toBe(0);
    expect(await api.db.prisma.uploadedFile.count({ where: { userId: a.user.id } })).toBe(0);
    expect(await keysUnder(rig(), 'generated', `users/${a.user.id}/`)).toEqual([]);
  });

  it('an administrator deletes an account; the deletion names the administrator', async () => {
    const { app, api } = rig();
    expect((await app.inject({ method: 'DELETE', url: `/api/admin/users/${b.user.id}`, headers: b.user.headers })).statusCode).toBe(403);
    const unknown = await app.inject({
      method: 'DELETE',
      url: '/api/admin/users/0190a1b2-0000-7000-8000-000000000000',
      headers: adminHeaders,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
    const res = await app.inject({ method: 'DELETE', url: `/api/admin/users/${b.user.id}`, headers: adminHeaders });
    expect((await deletionDone(rig(), res)).deleted).toMatchObject({ templates: 1, files: 2, generatedPdfs: 1, jobs: 1 });
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: b.user.headers })).statusCode).toBe(401);
    expect(await keysUnder(rig(), 'generated', `users/${b.user.id}/`)).toEqual([]);
    const row = await api.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'account.deleted', actorId: adminId } });
    expect(row.details).toMatchObject({ via: 'admin' });
    expect(row.resourceId).not.toBe(b.user.id);
    expect(await api.db.prisma.auditLog.count({ where: { actorId: b.user.id } })).toBe(0);
    expect((await app.inject({ method: 'DELETE', url: `/api/admin/users/${b.user.id}`, headers: adminHeaders })).statusCode).toBe(404);
  });

  it('a deletion that failed half-way (storage down) is finished by running it again', async () => {
    const { services, api } = rig();
    const d = await populate(rig(), 'rights-d');
    let failures = 1;
    const flaky = {
      ...services,
      blobs: Object.assign(Object.create(Object.getPrototypeOf(services.blobs) as object) as typeof services.blobs, services.blobs, {
        deleteMany: async (bucket: BucketName, keys: string[]) => {
          if (bucket === 'generated' && failures-- > 0) throw new Error('storage unavailable');
          return services.blobs.deleteMany(bucket, keys);
        },
      }),
    };
    await expect(deleteAccount(flaky, d.user.id, { via: 'cli' })).rejects.toThrow('storage unavailable');
    // Half done: the templates are gone, the account and its documents are still there, its sessions ended.
    expect(await services.repos.templates.find(d.templateId)).toBeUndefined();
    expect((await services.repos.users.findById(d.user.id)).id).toBe(d.user.id);
    expect(await services.blobs.exists('generated', d.pdfKey)).toBe(true);
    // (The API process would notice within SESSION_CHECK_CACHE_MS; the rows say it at once.)
    expect(await api.db.prisma.refreshToken.count({ where: { userId: d.user.id, revokedAt: null } })).toBe(0);
    expect(await services.repos.apiKeys.findActiveByKey(d.apiKey)).toBeNull();
    const again = await deleteAccount(flaky, d.user.id, { via: 'cli' });
    expect(again).toMatchObject({ templates: 0, generatedPdfs: 1, files: 2 });
    expect(await api.db.prisma.user.count({ where: { id: d.user.id } })).toBe(0);
    expect(await keysUnder(rig(), 'generated', `users/${d.user.id}/`)).toEqual([]);
    expect(await keysUnder(rig(), 'uploads', `users/${d.user.id}/`)).toEqual([]);
    expect(await api.db.prisma.auditLog.count({ where: { actorId: d.user.id } })).toBe(0);
  }, 60_000);

  it('the cleanup deletes anonymised audit rows after their year, and exports after their day', async () => {
    const { services, api, app } = rig();
    const prisma = api.db.prisma;
    const c = await registerUser(app, 'rights-c');
    await exportViaApi(rig(), c.headers);
    expect(await keysUnder(rig(), 'generated', `exports/${c.id}/`)).toHaveLength(1);
    const anonymised = await prisma.auditLog.count({ where: { anonymisedAt: { not: null } } });
    const named = await prisma.auditLog.count({ where: { anonymisedAt: null } });
    expect(anonymised).toBeGreaterThan(10);
    const exports = await keysUnder(rig(), 'generated', 'exports/');
    expect(exports.length).toBeGreaterThanOrEqual(1);
    await services.repos.loginThrottles.recordFailure(`throttled-${c.id}@example.com`);
    const soon = await cleanupExpired(services, undefined, new Date(Date.now() + 2 * 86_400_000));
    expect(soon).toMatchObject({ expiredExports: exports.length, anonymisedAuditRows: 0 });
    expect(soon.staleLoginThrottles).toBeGreaterThanOrEqual(1);
    expect(await services.repos.loginThrottles.get(`throttled-${c.id}@example.com`)).toBeNull();
    expect(await keysUnder(rig(), 'generated', 'exports/')).toEqual([]);
    const later = await cleanupExpired(services, undefined, new Date(Date.now() + 366 * 86_400_000));
    expect(later.anonymisedAuditRows).toBe(anonymised);
    expect(await prisma.auditLog.count({ where: { anonymisedAt: { not: null } } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { anonymisedAt: null } })).toBe(named);
  }, 60_000);
});
