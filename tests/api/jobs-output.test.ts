import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeStats } from '@/pdf/index.js';
import { buildApp } from '@/api/app.js';
import { startWorkers } from '@/workers/index.js';
import { pdfGenerationHandler } from '@/workers/pdf-generation.js';
import type { QueueDriver } from '@/shared/queue/index.js';
import { readAll } from '@/shared/storage/read.js';
import { eventually } from '../helpers/eventually.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { SIGNER_PASSWORD, checkPdfA, invoiceBase, invoicePayload, makePki, run, type Pki } from '../pdf/output/support.js';
import { pdfjsText, pdfsig } from '../pdf/output/verify.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';

/**
 * Jobs with output options: resolved and checked at creation (typed 4xx before any job exists),
 * kept on the job row, applied to every record; a signed job signs each record's document with the
 * account's stored certificate (pdfsig on each), a merged one signs the merged document once as a
 * whole. Neither the job row nor any queue message carries a secret.
 */

const USER_PASSWORD = 'job-user-pw-4b1d';
const OWNER_PASSWORD = 'job-owner-pw-9e77';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
}, 60_000);
afterAll(() => pki?.cleanup());

forEachApi('jobs with output options', (api) => {
  let app: FastifyInstance;
  let user: TestUser;
  let templateId: string;
  let certificateId: string;
  let stopWorkers: (() => Promise<void>) | undefined;
  /** Every message the API sent, as JSON. */
  const sent: string[] = [];

  beforeAll(async () => {
    const real = api().services.queue;
    const spy = new Proxy(real, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === 'send' || prop === 'sendBatch') {
          return (...args: unknown[]) => {
            sent.push(JSON.stringify(args[1]));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as QueueDriver;
    const services = { ...api().services, queue: spy };
    app = await buildApp({ config: services.config, checks: [], services, logger: false });
    stopWorkers = (await startWorkers(services, { schedule: false })).stop;
    user = await registerUser(app, 'job-output');
    ({ templateId } = await createTemplate(app, user.headers, INVOICE_FIELDS, true, await invoiceBase()));
    const up = await app.inject({
      method: 'POST',
      url: '/api/signing-certificates',
      headers: user.headers,
      payload: { p12: Buffer.from(pki.p12).toString('base64'), password: SIGNER_PASSWORD },
    });
    expect(up.statusCode, up.body).toBe(201);
    certificateId = up.json().id;
  });
  afterAll(async () => {
    await stopWorkers?.();
    await app?.close();
  });

  const createJob = (body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/jobs`,
      headers: user.headers,
      payload: { records: [0, 1, 2].map((i) => invoicePayload(`INV-JOB-${i}`)), ...body },
    });
  const finished = (id: string) =>
    eventually(
      async () => {
        const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: user.headers })).json().job;
        expect(['completed', 'completed_with_errors', 'failed'], `job still ${job.status}`).toContain(job.status);
        return job;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `job ${id} to finish` },
    );
  const fileOf = (name: string, bytes: Uint8Array) => {
    const file = path.join(pki.dir, `${api().services.config.stage}-${name}.pdf`);
    writeFileSync(file, bytes);
    return file;
  };

  it('refuses, typed and before any job exists, what a job cannot do', async () => {
    const before = await api().db.prisma.generationJob.count({ where: { userId: user.id } });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ outputOptions: { signature: { level: 'B-B' } } }, 422, 'certificate_missing'],
      [{ outputOptions: { signature: { certificateId: '0193a000-0000-7000-8000-000000000000' } } }, 422, 'certificate_not_found'],
      [{ outputOptions: { encryption: {} } }, 422, 'encryption_password_missing'],
      [{ outputOptions: { encryption: {} }, secrets: {} }, 422, 'encryption_password_missing'],
      [{ outputOptions: { facturx: {} }, output: 'merged' }, 422, 'output_options_conflict'],
      [{ outputOptions: { facturx: {}, pdfa: '2b' } }, 422, 'output_options_conflict'],
      [{ outputOptions: { pdfa: '4f' } }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await createJob(body);
      expect([res.statusCode, res.json().code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await api().db.prisma.generationJob.count({ where: { userId: user.id } })).toBe(before);
  });

  it('a signed zip job: every record signed by the stored certificate (pdfsig), the options on the job', async () => {
    const res = await createJob({ output: 'zip', outputOptions: { signature: { level: 'B-B', certificateId, reason: 'Batch' } } });
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ status: 'completed', done: 3, failed: 0 });
    expect(job.outputOptions).toMatchObject({ signature: { level: 'B-B', certificateId, reason: 'Batch', certification: 'none' } });
    const rows = await api().db.prisma.generatedPdf.findMany({ where: { jobId: job.id }, orderBy: { recordKey: 'asc' } });
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.entries()) {
      const bytes = await readAll(api().services.blobs, 'generated', row.storageKey!);
      const file = fileOf(`job-signed-${i}`, bytes);
      const sig = await pdfsig(file);
      expect(sig, file).toContain('Signature is Valid');
      expect(sig).toContain('Total document signed');
      expect(sig).toContain('Signer Certificate Common Name: Alice Signer');
      const { stdout } = await run('pdftotext', [file, '-']);
      expect(stdout).toContain(`INV-JOB-${i}`);
    }
  }, 180_000);

  it("an encrypted job: every record AES-256 with the job's passwords, which only the sealed job row holds", async () => {
    const res = await createJob({
      output: 'individual',
      outputOptions: { encryption: { permissions: { print: true, copy: false, modify: false, fill: true } } },
      secrets: { userPassword: USER_PASSWORD, ownerPassword: OWNER_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.body).not.toContain(USER_PASSWORD);
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ status: 'completed', done: 3 });
    const row = await api().db.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.sealedSecrets?.length).toBeGreaterThan(16);
    const docs = await api().db.prisma.generatedPdf.findMany({ where: { jobId: job.id }, orderBy: { recordKey: 'asc' } });
    expect(docs).toHaveLength(3);
    for (const [i, d] of docs.entries()) {
      const bytes = await readAll(api().services.blobs, 'generated', d.storageKey!);
      const file = fileOf(`job-encrypted-${i}`, bytes);
      const { stdout } = await run('qpdf', [`--password=${USER_PASSWORD}`, '--show-encryption', file]);
      for (const line of ['R = 6', 'stream encryption method: AESv3', 'extract for any purpose: not allowed', 'modify forms: allowed']) {
        expect(stdout).toContain(line);
      }
      expect(await pdfjsText(bytes, USER_PASSWORD)).toContain(`INV-JOB-${i}`);
      await expect(pdfjsText(bytes)).rejects.toMatchObject({ name: 'PasswordException' });
    }
  }, 180_000);

  it('a merged PDF/A-2b signed job: the merged document is PDF/A and signed once, as a whole', async () => {
    const before = mergeStats();
    const res = await createJob({ output: 'merged', outputOptions: { pdfa: '2b', signature: { certificateId } } });
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ status: 'completed', done: 3 });
    // Merged, made PDF/A and signed on an engine thread, not on the thread that answers requests.
    expect(mergeStats()).toMatchObject({
      merges: before.merges + 1,
      inWorker: before.inWorker + 1,
      last: { mainThread: false, documents: 3 },
    });
    const u = new URL(job.resultUrl, 'http://localhost');
    const merged = await app.inject({ method: 'GET', url: u.pathname + u.search });
    expect(merged.statusCode).toBe(200);
    const file = fileOf('job-merged-signed', merged.rawPayload);
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Signature #1');
    expect(sig).not.toContain('Signature #2');
    await checkPdfA(file, '2', pki.dir);
    const { stdout } = await run('pdftotext', [file, '-']);
    for (const i of [0, 1, 2]) expect(stdout).toContain(`INV-JOB-${i}`);
    // Its records are rendered plain: the options went on the merged document only.
    const row = await api().db.prisma.generatedPdf.findFirstOrThrow({ where: { jobId: job.id } });
    const record = fileOf('job-merged-record', await readAll(api().services.blobs, 'generated', row.storageKey!));
    expect(await pdfsig(record)).toContain('does not contain any signatures');
  }, 180_000);

  it("a one-record message (the older per-record path) applies the job's stored options too", async () => {
    const { repos } = api().services;
    const { job } = await repos.generationJobs.createOrGet({
      userId: user.id,
      templateId,
      templateVersion: 1,
      total: 1,
      output: 'individual',
      outputOptions: { signature: { level: 'B-B', certification: 'none', certificateId } },
    });
    await repos.generationJobs.markEnqueued(job.id);
    await pdfGenerationHandler(api().services)({
      id: `one-${job.id}`,
      attempt: 1,
      body: { templateId, userId: user.id, payload: invoicePayload('INV-ONE-0'), jobId: job.id, recordIndex: 0, version: 1 },
    });
    const row = await api().db.prisma.generatedPdf.findFirstOrThrow({ where: { jobId: job.id } });
    expect(row.status).toBe('completed');
    const file = fileOf('job-one-record', await readAll(api().services.blobs, 'generated', row.storageKey!));
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Signer Certificate Common Name: Alice Signer');
  });

  it('no secret in the job rows or in any queue message; the stored options name the certificate by id', async () => {
    expect(sent.length).toBeGreaterThan(0);
    const jobs = await api().db.prisma.$queryRawUnsafe<{ j: string }[]>('SELECT row_to_json(t)::text AS j FROM generation_jobs t');
    const text = [...jobs.map((r) => r.j), ...sent].join('\n');
    expect(text).toContain(certificateId);
    const p12 = Buffer.from(pki.p12);
    for (const s of [
      SIGNER_PASSWORD,
      USER_PASSWORD,
      OWNER_PASSWORD,
      p12.toString('base64').slice(0, 64),
      p12.subarray(0, 48).toString('hex'),
    ]) {
      expect(text).not.toContain(s);
    }
  });
});
