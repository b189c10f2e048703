import { createServer, type Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import type { FastifyInstance } from 'fastify';
import { mergeStats } from '@/pdf/index.js';
import { startWorkers } from '@/workers/index.js';
import { finalizeJob, handlePdfGeneration } from '@/services/generation/jobs.js';
import { settleStalledJobs, type SettledJob } from '@/services/maintenance/stalled-jobs.js';
import { jobResultKey } from '@/services/blob-keys.js';
import { SIGNATURE_HEADER, verifyWebhook } from '@/services/generation/webhook.js';
import { finishedJob } from '../helpers/jobs.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

const N = 50;
const POISON = new Set([7, 31]);
const record = (i: number) => ({ customer: { name: `Customer ${i}` }, amount: POISON.has(i) ? -1 : i * 10 });

async function fetchSigned(app: FastifyInstance, url: string) {
  const u = new URL(url, 'http://localhost');
  return app.inject({ method: 'GET', url: u.pathname + u.search });
}

/** Entries of a zip, from its end-of-central-directory record. */
function zipEntryCount(buf: Buffer): number {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return buf.readUInt16LE(eocd + 10);
}

// The webhook receiver is a local server: internal targets are refused unless allow-listed.
forEachApi(
  'async jobs through the real pg-boss consumers',
  (api) => {
    let a: TestUser;
    let b: TestUser;
    let templateId: string;
    let stop: (() => Promise<void>) | undefined;
    let hookServer: Server;
    let hookUrl: string;
    const hooks: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let failFirstHook = true;

    afterAll(async () => {
      await stop?.();
      hookServer?.close();
    });

    /** A job row marked enqueued but without queue messages: the test delivers its records itself (recordDelivery). */
    const bareJob = async (total: number) => {
      const { job } = await api().services.repos.generationJobs.createOrGet({
        userId: a.id,
        templateId,
        templateVersion: 1,
        total,
        output: 'individual',
        idempotencyKey: null,
        webhookUrl: null,
        notifyEmail: null,
        testMode: false,
      });
      return api().services.repos.generationJobs.markEnqueued(job.id);
    };
    /** Delivers record `index` of the job as its queue message would, with payload record(payloadBase + index). */
    const recordDelivery =
      (jobId: string, name: string, payloadBase: number) =>
      (index: number, attempt: number, s = api().services) =>
        handlePdfGeneration(s, {
          id: `${name}-${index}-${attempt}`,
          attempt,
          body: { templateId, userId: a.id, payload: record(payloadBase + index), jobId, recordIndex: index, version: 1 },
        });

    it('sets up a template, a webhook receiver (first delivery fails) and the workers', async () => {
      a = await registerUser(api().app, 'jobs-a');
      b = await registerUser(api().app, 'jobs-b');
      ({ templateId } = await createTemplate(api().app, a.headers));
      hookServer = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          hooks.push({ headers: req.headers, body });
          // The first delivery answers 500: the queue must retry it with backoff.
          res.statusCode = failFirstHook ? 500 : 204;
          failFirstHook = false;
          res.end();
        });
      });
      await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
      const addr = hookServer.address() as { port: number };
      hookUrl = `http://127.0.0.1:${addr.port}/hook`;
      stop = (await startWorkers(api().services, { schedule: false })).stop;
    });

    let jobId: string;
    it('creates a job of 50 records (202); the same Idempotency-Key returns the same job (200)', async () => {
      const payload = {
        records: Array.from({ length: N }, (_, i) => record(i)),
        output: 'zip',
        webhookUrl: hookUrl,
        notifyEmail: a.email,
      };
      const headers = { ...a.headers, 'idempotency-key': `batch-${Date.now()}` };
      const res = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/jobs`, headers, payload });
      expect(res.statusCode, res.body).toBe(202);
      jobId = res.json().job.id;
      expect(res.json().job).toMatchObject({ total: N, output: 'zip', templateVersion: 1 });
      const again = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/jobs`, headers, payload });
      expect(again.statusCode).toBe(200);
      expect(again.json().job.id).toBe(jobId);
      const list = await api().app.inject({ method: 'GET', url: '/api/jobs', headers: a.headers });
      expect(list.json().items.filter((j: { id: string }) => j.id === jobId)).toHaveLength(1);
    });

    it('completes: every good record read back, poison records failed with their errors kept', async () => {
      const job = await finishedJob(api().app, a.headers, jobId);
      expect(job).toMatchObject({ status: 'completed_with_errors', total: N, done: N - POISON.size, failed: POISON.size });
      expect(job.errors.map((e: { index: number }) => e.index).sort((x: number, y: number) => x - y)).toEqual([...POISON]);
      expect(job.errors[0].message).toMatch(/payload_invalid: amount/);
      const pdfs = await api().services.repos.generatedPdfs.listByUser(a.id, { jobId, status: 'completed', limit: 100 });
      expect(pdfs.total).toBe(N - POISON.size);
      const seen = new Set<number>();
      for (const pdf of pdfs.items) {
        const index = Number(pdf.recordKey.split(':')[1]);
        const obj = await api().services.blobs.get('generated', pdf.storageKey!);
        const chunks: Buffer[] = [];
        for await (const c of obj.body) chunks.push(c as Buffer);
        expect(await pageText(new Uint8Array(Buffer.concat(chunks)))).toContain(`Customer ${index}`);
        seen.add(index);
      }
      expect(seen.size).toBe(N - POISON.size);
      expect(job.resultUrl).toBeTruthy();
      const zip = await fetchSigned(api().app, job.resultUrl);
      expect(zip.statusCode).toBe(200);
      expect(zipEntryCount(zip.rawPayload)).toBe(N - POISON.size);
    }, 200_000);

    it('delivers a signed webhook (retried after a 500) and a notification email', async () => {
      await eventually(() => expect(hooks.length).toBeGreaterThanOrEqual(2), {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: 'the webhook and its retry',
      });
      const secret = (await api().app.inject({ method: 'GET', url: '/api/jobs/webhook-secret', headers: a.headers })).json().secret;
      const last = hooks[hooks.length - 1]!;
      expect(verifyWebhook(secret, last.body, String(last.headers[SIGNATURE_HEADER]))).toBe(true);
      expect(verifyWebhook(secret, last.body.replace('completed', 'failed'), String(last.headers[SIGNATURE_HEADER]))).toBe(false);
      const otherSecret = (await api().app.inject({ method: 'GET', url: '/api/jobs/webhook-secret', headers: b.headers })).json().secret;
      expect(verifyWebhook(otherSecret, last.body, String(last.headers[SIGNATURE_HEADER]))).toBe(false);
      expect(JSON.parse(last.body)).toMatchObject({
        type: 'job.completed_with_errors',
        data: { jobId, status: 'completed_with_errors', done: N - POISON.size, failed: POISON.size },
      });
      const outbox = path.join(api().dataDir, 'outbox');
      const mails = await eventually(
        async () => {
          // Only finished mails: the outbox writes `.<name>.tmp` beside them and renames it into place,
          // so a listing can catch the hidden temporary file, half-written or already gone.
          const names = (await readdir(outbox).catch(() => [])).filter((n) => n.endsWith('.eml') && !n.startsWith('.'));
          expect(names.length).toBeGreaterThan(0);
          return names;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'the notification email' },
      );
      const eml = await readFile(path.join(outbox, mails[0]!), 'utf8');
      expect(eml.toLowerCase()).toContain(`to: ${a.email.toLowerCase()}`);
      expect(eml).toContain(`${N - POISON.size} generated`);
    }, 90_000);

    it('a redelivered record message makes no second document and moves no counter', async () => {
      const before = await api().services.repos.generationJobs.getInternal(jobId);
      const rowsBefore = (await api().services.repos.generatedPdfs.listByUser(a.id, { jobId, limit: 1 })).total;
      for (const index of [0, 7]) {
        await handlePdfGeneration(api().services, {
          id: 'redelivered',
          attempt: 2,
          body: { templateId, userId: a.id, payload: record(index), jobId, recordIndex: index, version: 1 },
        });
      }
      const after = await api().services.repos.generationJobs.getInternal(jobId);
      expect([after.done, after.failed]).toEqual([before.done, before.failed]);
      expect((await api().services.repos.generatedPdfs.listByUser(a.id, { jobId, limit: 1 })).total).toBe(rowsBefore);
    });

    it('output merged: one PDF with every record in order', async () => {
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: [0, 1, 2].map((i) => record(100 + i)), output: 'merged' },
      });
      expect(res.statusCode, res.body).toBe(202);
      const before = mergeStats();
      const job = await finishedJob(api().app, a.headers, res.json().job.id);
      expect(job).toMatchObject({ status: 'completed', done: 3, failed: 0 });
      const merged = await fetchSigned(api().app, job.resultUrl);
      expect(merged.statusCode).toBe(200);
      for (let page = 1; page <= 3; page++) expect(await pageText(merged.rawPayload, page)).toContain(`Customer ${99 + page}`);
      // The merge ran on an engine thread (recorded inside it), not on the thread serving the API.
      expect(mergeStats()).toMatchObject({
        merges: before.merges + 1,
        inWorker: before.inWorker + 1,
        last: { pages: 3, mainThread: false },
      });
    }, 120_000);

    it('cancel: a running job stops taking records, keeps what it made, and cannot be cancelled twice', async () => {
      // The consumers stop first (the remaining tests need none), so no record races the cancel.
      await stop?.();
      stop = undefined;
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: Array.from({ length: 200 }, (_, i) => record(1000 + i)), output: 'zip' },
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().job.id;
      expect((await api().app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel`, headers: b.headers })).statusCode).toBe(404);
      const cancel = await api().app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel`, headers: a.headers });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json().job).toMatchObject({ id, status: 'cancelled', total: 200 });
      const again = await api().app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel`, headers: a.headers });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('invalid_transition');
      // Any record message delivered from now on is skipped: no new document, no counter moved.
      const rows = async () => (await api().services.repos.generatedPdfs.listByUser(a.id, { jobId: id, limit: 1 })).total;
      const before = await rows();
      expect(before).toBe(0);
      for (const index of [197, 198, 199]) {
        await handlePdfGeneration(api().services, {
          id: `late-${index}`,
          attempt: 1,
          body: { templateId, userId: a.id, payload: record(1000 + index), jobId: id, recordIndex: index, version: 1 },
        });
      }
      expect(await rows()).toBe(before);
      const job = (await api().app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: a.headers })).json().job;
      expect(job.status).toBe('cancelled');
      expect(job.resultUrl).toBeUndefined();
      const audit = (await api().app.inject({ method: 'GET', url: '/api/audit-logs?limit=100', headers: a.headers })).json();
      expect(audit.items.map((e: { action: string }) => e.action)).toContain('jobs.cancel');
    }, 60_000);

    it('a cancel that lands while the merged result is being built stands: no result is kept, no notification is sent', async () => {
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: [record(500), record(501)], output: 'merged', webhookUrl: hookUrl },
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().job.id;
      const { services } = api();
      for (const index of [0, 1]) {
        await handlePdfGeneration(services, {
          id: `rec-${index}`,
          attempt: 1,
          body: { templateId, userId: a.id, payload: record(500 + index), jobId: id, recordIndex: index, version: 1 },
        });
      }
      // The owner cancels just as the result blob is written (between building it and completing the job).
      const blobs = new Proxy(services.blobs, {
        get(target, prop, receiver) {
          if (prop !== 'put') return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<typeof target.put>) => {
            await services.repos.generationJobs.cancel(a.id, id);
            return target.put(...args);
          };
        },
      });
      const hooksBefore = hooks.length;
      await finalizeJob({ ...services, blobs }, id);
      const job = await services.repos.generationJobs.getInternal(id);
      expect(job.status).toBe('cancelled');
      expect(job.resultKey).toBeNull();
      expect(await services.blobs.exists('generated', jobResultKey(job))).toBe(false);
      expect(hooks.length).toBe(hooksBefore);
    });

    it("a process that dies right after completing a record's row, redelivered before the last record, still lets the job finish", async () => {
      // The job row without queue messages: this test delivers every record itself, so the only
      // pdf-generation message it leaves is the job's finalize (if the records sent one).
      const { services } = api();
      const job = await bareJob(3);
      const deliver = recordDelivery(job.id, 'crash', 600);
      // Record 0: the process dies just after the row is marked completed (before anything else runs).
      const generatedPdfs = new Proxy(services.repos.generatedPdfs, {
        get(target, prop) {
          const value: unknown = Reflect.get(target, prop, target);
          if (prop !== 'markCompleted') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<typeof target.markCompleted>) => {
            await target.markCompleted(...args);
            throw new Error('process killed');
          };
        },
      });
      await expect(deliver(0, 1, { ...services, repos: { ...services.repos, generatedPdfs } })).rejects.toThrow('process killed');
      // Its redelivery comes first (orphan recovery retries it at once), then the other records.
      await deliver(0, 2);
      await deliver(1, 1);
      await deliver(2, 1);
      // The consumers take the finalize the records sent (after the cancelled job's leftover
      // messages); without one the job would stay running.
      const workers = await startWorkers(services, { schedule: false });
      try {
        const done = await finishedJob(api().app, a.headers, job.id, 90_000);
        expect(done).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0 });
      } finally {
        await workers.stop();
      }
    }, 120_000);

    it('a record failing on every attempt (storage down) is counted as failed once, with its error, and the job finishes', async () => {
      const { services } = api();
      const job = await bareJob(2);
      const blobs = new Proxy(services.blobs, {
        get(target, prop) {
          const value: unknown = Reflect.get(target, prop, target);
          if (prop !== 'put') return typeof value === 'function' ? value.bind(target) : value;
          return async () => {
            throw new Error('storage unavailable');
          };
        },
      });
      const broken = { ...services, blobs };
      const deliver = recordDelivery(job.id, 'fail', 700);
      await expect(deliver(0, 1, broken)).rejects.toThrow('storage unavailable');
      // Between attempts the record is not settled: the job must not count it either way yet.
      await deliver(1, 1);
      expect(await services.repos.generationJobs.getInternal(job.id)).toMatchObject({ status: 'running', done: 1, failed: 0 });
      await expect(deliver(0, 2, broken)).rejects.toThrow('storage unavailable');
      await deliver(0, 3, broken); // the last attempt records the failure instead of throwing
      const workers = await startWorkers(services, { schedule: false });
      try {
        const done = await finishedJob(api().app, a.headers, job.id, 90_000);
        expect(done).toMatchObject({ status: 'completed_with_errors', total: 2, done: 1, failed: 1 });
        // An untyped error is named by its kind only (its text can hold server paths), and can be retried.
        expect(done.errors).toEqual([{ index: 0, message: expect.stringMatching(/^internal_error: /), retryable: true }]);
      } finally {
        await workers.stop();
      }
    }, 120_000);

    it('a record dead-lettered with no outcome (its last delivery died) is failed by the stalled-jobs sweep, which finalizes the job', async () => {
      const { services } = api();
      const job = await bareJob(4);
      const deliver = recordDelivery(job.id, 'lost', 800);
      await deliver(0, 1);
      await deliver(1, 1);
      // Record 2's last delivery died while making it (row left processing); record 3's message never
      // reached a handler (no row). The queue holds nothing of this job: nothing else would finish it.
      const { pdf: dying } = await services.repos.generatedPdfs.createOrGet({
        recordKey: `${job.id}:2`,
        userId: a.id,
        templateId,
        templateVersion: 1,
        jobId: job.id,
      });
      await services.repos.generatedPdfs.markProcessing(dying.id);
      const mine = (settled: SettledJob[]) => settled.filter((x) => x.jobId === job.id);
      expect(mine(await settleStalledJobs(services, { stalledAfterMinutes: 60 }))).toEqual([]); // moved just now: not stalled
      const later = new Date(Date.now() + 61 * 60_000);
      expect(mine(await settleStalledJobs(services, { stalledAfterMinutes: 60, now: later }))).toEqual([
        { jobId: job.id, recordsFailed: 2, outcome: 'finalized' },
      ]);
      const done = (await api().app.inject({ method: 'GET', url: `/api/jobs/${job.id}`, headers: a.headers })).json().job;
      expect(done).toMatchObject({ status: 'completed_with_errors', total: 4, done: 2, failed: 2 });
      expect(done.errors).toEqual(
        [2, 3].map((index) => expect.objectContaining({ index, message: expect.stringContaining('dead-lettered or lost') })),
      );
      for (const i of [2, 3]) expect((await services.repos.generatedPdfs.findByRecordKey(`${job.id}:${i}`))?.status).toBe('failed');
      // A lost message turns up after all: no document, no counter moves.
      await deliver(3, 1);
      expect(await services.repos.generationJobs.getInternal(job.id)).toMatchObject({
        status: 'completed_with_errors',
        done: 2,
        failed: 2,
      });
      expect(mine(await settleStalledJobs(services, { stalledAfterMinutes: 60, now: later }))).toEqual([]);
    }, 120_000);

    it('the sweep leaves alone a stalled job whose records are still queued (a busy queue), and it then finishes normally', async () => {
      const { services } = api();
      const job = await bareJob(1);
      await services.queue.send('pdf-generation', {
        templateId,
        userId: a.id,
        payload: record(900),
        jobId: job.id,
        recordIndex: 0,
        version: 1,
      });
      const later = new Date(Date.now() + 61 * 60_000);
      const settled = (await settleStalledJobs(services, { stalledAfterMinutes: 60, now: later })).filter((x) => x.jobId === job.id);
      expect(settled).toEqual([{ jobId: job.id, recordsFailed: 0, outcome: 'still_queued' }]);
      expect(await services.repos.generatedPdfs.findByRecordKey(`${job.id}:0`)).toBeNull();
      const workers = await startWorkers(services, { schedule: false });
      try {
        expect(await finishedJob(api().app, a.headers, job.id, 90_000)).toMatchObject({ status: 'completed', done: 1, failed: 0 });
      } finally {
        await workers.stop();
      }
    }, 120_000);

    it("authorization: user B sees none of A's jobs", async () => {
      expect((await api().app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: b.headers })).statusCode).toBe(404);
      expect((await api().app.inject({ method: 'GET', url: '/api/jobs', headers: b.headers })).json().total).toBe(0);
      expect(
        (
          await api().app.inject({
            method: 'POST',
            url: `/api/templates/${templateId}/jobs`,
            headers: b.headers,
            payload: { records: [record(1)] },
          })
        ).statusCode,
      ).toBe(404);
    });

    it('bounds: empty records and more than 10,000 are refused', async () => {
      const empty = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: [] },
      });
      expect(empty.statusCode).toBe(400);
      const tooMany = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: Array.from({ length: 10_001 }, () => ({})) },
      });
      expect(tooMany.statusCode).toBe(400);
    });
  },
  { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
);
