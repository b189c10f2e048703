import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdas, lambdaEntries } from '../../scripts/build.js';
import { apiEvent, multipartFile, sqsEvent } from '../helpers/lambda-events.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3.js';
import { startSqs, type FauxqsHandle } from '../helpers/sqs.js';
import { pageText } from '../helpers/pdf-readback.js';

/**
 * The built Lambda bundles (dist/lambda/<name>/index.mjs as `npm run build` makes them), each
 * imported in a fresh Node process — a cold container — and invoked with events of its kind, in aws
 * mode against wire-protocol stand-ins: PostgreSQL, dynalite, s3rver and fauxqs. Source-level
 * handler tests cannot see what only the bundle gets wrong (a file a dependency reads from disk at
 * registration, a module that is left out, a top-level import that throws).
 */

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'invoke-bundle.mjs');
const MARK = '@@invoke ';
const skip = postgresSkipReason('postgresql');

interface Reply {
  ok?: boolean;
  ready?: boolean;
  result?: unknown;
  error?: string;
  importMs?: number;
}

/** One bundle in its own process: a warm container once the first invocation has run. */
class Container {
  private readonly replies: Reply[] = [];
  private waiting: ((r: Reply) => void) | undefined;
  private stderr = '';
  importMs = 0;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(MARK)) return;
      const reply = JSON.parse(line.slice(MARK.length)) as Reply;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(reply);
      } else this.replies.push(reply);
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  static async start(bundle: string, env: Record<string, string>): Promise<Container> {
    const child = spawn(process.execPath, [RUNNER, bundle], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new Container(child);
    const ready = await c.next();
    if (!ready.ready) throw new Error(`${bundle} did not load: ${ready.error}\n${c.stderr}`);
    c.importMs = ready.importMs ?? 0;
    return c;
  }

  private next(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.child.once('exit', (code) => reject(new Error(`container exited (${code}): ${this.stderr}`)));
    });
  }

  async invoke<T = Record<string, unknown>>(event: unknown): Promise<T> {
    this.child.stdin.write(JSON.stringify(event) + '\n');
    const reply = await this.next();
    if (!reply.ok) throw new Error(`handler threw: ${reply.error}\n${this.stderr.slice(-2000)}`);
    return reply.result as T;
  }

  async stop(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null) await new Promise((r) => this.child.once('exit', r));
  }
}

interface HttpResult {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
  isBase64Encoded?: boolean;
}
const json = (r: HttpResult) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function invoicePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('INVOICE', { x: 72, y: 780, size: 24, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

describe.skipIf(!!skip)('Lambda bundles invoked from dist/ in a fresh process (aws mode, local stand-ins)', () => {
  let outDir: string;
  let dataDir: string;
  let db: TestDatabase;
  let dynamo: TestDynamo;
  let s3: S3rverHandle;
  let sqs: FauxqsHandle;
  let env: Record<string, string>;
  const containers: Container[] = [];
  const importTimes: Record<string, number> = {};

  const start = async (name: string) => {
    const c = await Container.start(path.join(outDir, name, 'index.mjs'), env);
    containers.push(c);
    importTimes[name] = Math.round(c.importMs);
    return c;
  };
  /** Everything waiting on a queue, removed from it: what SQS would hand the function next. */
  const drain = async (url: string) => {
    const out: { id: string; body: string }[] = [];
    for (;;) {
      const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!got.Messages?.length) return out;
      for (const m of got.Messages) {
        out.push({ id: m.MessageId!, body: m.Body! });
        await sqs.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
  };

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-bundles-'));
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-bundle-data-'));
    await buildLambdas({ outDir, quiet: true });
    db = await createTestDatabase('postgresql', { migrate: false });
    dynamo = await startTestDynamo();
    const buckets = ['uploads', 'generated', 'files'].map((b) => `pdf-studio-${b}-${dynamo.stage}`);
    s3 = await startS3rver(buckets);
    sqs = await startSqs({ maxReceiveCount: 5, visibilityTimeoutSeconds: 30, prefix: `${dynamo.stage}-` });
    env = {
      PDF_STUDIO_MODE: 'aws',
      AWS_LAMBDA_FUNCTION_NAME: 'bundle-test',
      STAGE: dynamo.stage,
      AWS_REGION: 'us-east-1',
      // s3rver's fixed credentials; fauxqs and dynalite accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      DATABASE_URL: db.url,
      DB_SSL: 'disable',
      DB_POOL_MAX: '2',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      SQS_ENDPOINT: sqs.endpoint,
      PDF_GENERATION_QUEUE_URL: sqs.urls['pdf-generation'],
      FILE_PROCESSING_QUEUE_URL: sqs.urls['file-processing'],
      CLEANUP_QUEUE_URL: sqs.urls.cleanup,
      EMAIL_NOTIFICATIONS_QUEUE_URL: sqs.urls['email-notifications'],
      EMAIL_DRIVER: 'outbox',
      DATA_DIR: dataDir,
      JWT_SECRET: 'bundle-test-secret-0123456789-abcdefghijklmnop',
      LOG_LEVEL: 'silent',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }, 300_000);

  afterAll(async () => {
    for (const c of containers) await c.stop().catch(() => undefined);
    console.log(`cold import of each bundle (ms): ${JSON.stringify(importTimes)}`);
    await sqs?.stop();
    await s3?.stop();
    await dynamo?.stop();
    await db?.drop();
    await rm(outDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('builds one bundle per function', async () => {
    expect((await readdir(outDir)).sort()).toEqual(await lambdaEntries());
  });

  it('migrate applies the migrations to an empty database, and a second run applies none', async () => {
    const migrate = await start('migrate');
    const first = await migrate.invoke<{ applied: string[] }>({});
    expect(first.applied.length).toBeGreaterThan(0);
    expect((await migrate.invoke<{ applied: string[] }>({})).applied).toEqual([]);
  }, 120_000);

  it('api, pdf-generation, email-notifications: health, docs, upload → template → generate, and a job through SQS', async () => {
    const api = await start('api');
    const call = (method: string, p: string, opts: Parameters<typeof apiEvent>[2] = {}) => api.invoke<HttpResult>(apiEvent(method, p, opts));

    const health = await call('GET', '/health');
    expect(health.statusCode, health.body).toBe(200);
    expect(json(health).status).toBe('ok');
    const docs = await call('GET', '/docs/json');
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(json(docs).paths)).toContain('/api/templates/{id}/generate');
    // The UI's assets are read from disk by @fastify/swagger-ui: they must ship with the bundle.
    const ui = await call('GET', '/docs/static/swagger-ui-bundle.js');
    expect(ui.statusCode, ui.body.slice(0, 200)).toBe(200);
    expect(ui.body).toContain('SwaggerUIBundle');

    const reg = await call('POST', '/api/auth/register', { body: { email: 'bundle@example.com', password: 'correct horse battery', name: 'B' } });
    expect(reg.statusCode, reg.body).toBe(201);
    const auth = { authorization: `Bearer ${json(reg).accessToken}` };
    const upload = multipartFile('file', 'invoice.pdf', await invoicePdf());
    const file = await call('POST', '/api/files', { rawBody: upload.body, headers: { ...auth, 'content-type': upload.contentType } });
    expect(file.statusCode, file.body).toBe(201);
    expect(json(file).file.status).toBe('ready');
    const tpl = await call('POST', '/api/templates', { headers: auth, body: { fileId: json(file).file.id, name: 'Invoice' } });
    expect(tpl.statusCode, tpl.body).toBe(201);
    const templateId = json(tpl).template.templateId as string;
    const field = await call('POST', `/api/templates/${templateId}/fields`, {
      headers: auth,
      body: { name: 'Customer', type: 'text', page: 1, position: { x: 72, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer.name' },
    });
    expect(field.statusCode, field.body).toBe(201);
    expect((await call('POST', `/api/templates/${templateId}/publish`, { headers: auth, body: {} })).statusCode).toBe(201);

    const pdf = await call('POST', `/api/templates/${templateId}/generate`, {
      headers: { ...auth, accept: 'application/pdf' },
      body: { data: { customer: { name: 'Zoë Ñúñez' } } },
    });
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.isBase64Encoded).toBe(true);
    expect(await pageText(new Uint8Array(Buffer.from(pdf.body, 'base64')))).toContain('Zoë Ñúñez');

    // An async job: the API enqueues on SQS; the pdf-generation function takes what SQS would deliver.
    const created = await call('POST', `/api/templates/${templateId}/jobs`, {
      headers: auth,
      body: { records: [{ customer: { name: 'Ann' } }, { customer: { name: 'Bob' } }], output: 'merged', notifyEmail: 'bundle@example.com' },
    });
    expect(created.statusCode, created.body).toBe(202);
    const jobId = json(created).job.id as string;
    const generation = await start('pdf-generation');
    const delivered: { records?: unknown[]; kind?: string }[] = [];
    for (let round = 0; round < 10; round++) {
      const batch = await drain(sqs.urls['pdf-generation']);
      if (!batch.length) break;
      delivered.push(...batch.map((m) => JSON.parse(m.body) as { records?: unknown[]; kind?: string }));
      expect((await generation.invoke<{ batchItemFailures: unknown[] }>(sqsEvent(batch))).batchItemFailures).toEqual([]);
    }
    // Both records in one chunk message, then the job's finalize step.
    expect(delivered.map((b) => b.records?.length ?? b.kind)).toEqual([2, 'job_finalize']);
    const job = json(await call('GET', `/api/jobs/${jobId}`, { headers: auth })).job;
    expect(job).toMatchObject({ status: 'completed', total: 2, done: 2, failed: 0 });

    const stored = await new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }).send(new ListObjectsV2Command({ Bucket: `pdf-studio-generated-${dynamo.stage}` }));
    expect((stored.Contents ?? []).length).toBeGreaterThanOrEqual(3); // the sync PDF, two records (and the merged result)

    const mails = await drain(sqs.urls['email-notifications']);
    expect(mails.length).toBe(1);
    const email = await start('email-notifications');
    expect((await email.invoke<{ batchItemFailures: unknown[] }>(sqsEvent(mails))).batchItemFailures).toEqual([]);
    expect((await readdir(path.join(dataDir, 'outbox'))).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    // The file-processing function on a redelivered message of the upload above: nothing changes.
    const processing = await start('file-processing');
    const again = await processing.invoke<{ batchItemFailures: unknown[] }>(
      sqsEvent([{ id: 'fp-1', body: JSON.stringify({ fileId: json(file).file.id, userId: json(reg).user.id }) }]),
    );
    expect(again.batchItemFailures).toEqual([]);
  }, 300_000);

  it('cleanup (SQS) fails bad records alone; scheduled-cleanup answers its counts', async () => {
    const cleanup = await start('cleanup');
    const res = await cleanup.invoke<{ batchItemFailures: { itemIdentifier: string }[] }>(
      sqsEvent([
        { id: 'ok-1', body: JSON.stringify({ action: 'cleanup_expired_pdfs', olderThanDays: 30 }) },
        { id: 'bad-1', body: 'not json' },
      ]),
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['bad-1']);
    const scheduled = await start('scheduled-cleanup');
    expect(await scheduled.invoke({ olderThanDays: 30 })).toEqual({
      expiredPdfs: 0,
      uploadsRemoved: 0,
      orphanBlobsRemoved: 0,
      stalledJobsSettled: 0,
    });
  }, 120_000);
});
if (skip) console.log(`Lambda bundle invocation skipped: ${skip}`);
