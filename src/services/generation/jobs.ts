import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FINISHED_JOB_STATUSES, webhookDeliveryOf, type GenerationJob } from '@/shared/database/prisma/index.js';
import { DEFAULT_QUEUE_POLICIES } from '@/shared/queue/pgboss.js';
import type { PdfGenerationMessage } from '@/shared/queue/messages.js';
import type { QueueMessageEnvelope } from '@/shared/queue/types.js';
import { AppError, ConflictError, isClientFault, NotFoundError } from '@/shared/errors.js';
import { PromiseCache } from '@/shared/promise-cache.js';
import { boundedJsonObject } from '@/shared/validation/json-bounds.js';
import { PdfError } from '@/pdf/errors.js';
import { outputOverrideSchema } from '@/shared/domain/output.js';
import { generateAndStore, PayloadInvalidError } from './generate.js';
import { loadTemplateSnapshot, type TemplateSnapshot, type VersionSelector } from './template-source.js';
import { buildJobResult } from './result.js';
import { jobSecrets, jobSecretsSchema, recordOutput, resolveJobOutput, sealJobSecrets, secretsDigest } from './job-output.js';
import { chunkRecords } from './record-chunks.js';
import { deliverWebhook, WebhookDeliveryError, webhookSecret } from './webhook.js';
import { checkWebhookUrl, parseAllowList, systemResolver, WebhookUrlForbiddenError, type HostResolver } from './webhook-target.js';
import type { Services } from '@/services/context.js';

/** Records per job: beyond this, clients split the batch. */
export const MAX_JOB_RECORDS = 10_000;

/**
 * Deliveries of a pdf-generation message before it is dead-lettered (pg-boss policy; the SQS
 * redrive maxReceiveCount in serverless.yml is the same). On the last one a transient failure is
 * recorded as the record's failure, so a job always finishes.
 */
export const MAX_ATTEMPTS = DEFAULT_QUEUE_POLICIES['pdf-generation'].maxAttempts;

/** The finalize step rides on the pdf-generation queue (loose schema) with this marker. */
export const FINALIZE_KIND = 'job_finalize';

export const createJobBody = z.object({
  // Bounded depth and no NUL: a record is queued as JSON and its errors stored; either would fail there, after the job row exists.
  records: z.array(boundedJsonObject()).min(1).max(MAX_JOB_RECORDS),
  output: z.enum(['individual', 'merged', 'zip']).default('individual'),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  notifyEmail: z.email().optional(),
  version: z.union([z.number().int().min(1), z.literal('draft')]).optional(),
  testMode: z.boolean().default(false),
  /** Replaces the template's output options part by part (null removes a part); see job-output.ts. */
  outputOptions: outputOverrideSchema.optional(),
  /** Encryption passwords: kept sealed on the job for its workers, never in clear, never in messages. */
  secrets: jobSecretsSchema.optional(),
});
export type CreateJobBody = z.output<typeof createJobBody>;

/** JSON with object keys sorted, so the same request hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What an Idempotency-Key stands for: this template and this body (after defaults). */
export function jobRequestHash(templateId: string, body: CreateJobBody, secrets?: string): string {
  // The passwords enter as a keyed digest: a plain hash of the body would be a guessable trace of them.
  const { secrets: _s, ...rest } = body;
  return createHash('sha256')
    .update(canonicalJson({ templateId, body: rest, ...(secrets ? { secrets } : {}) }))
    .digest('hex');
}

/**
 * Creates the job and enqueues one pdf-generation message per record. With an Idempotency-Key the
 * same key and request returns the first job (`created: false`), while the same key with another
 * template or body is refused (409 idempotency_key_reused, as Stripe does): returning the first
 * job would tell the client its second batch was accepted. If that job never got its messages (the
 * process died in between) they are sent again — the worker is idempotent per record, so a
 * duplicate message costs a lookup, never a second document.
 */
export async function createJob(
  services: Services,
  userId: string,
  templateId: string,
  body: CreateJobBody,
  idempotencyKey?: string,
): Promise<{ job: GenerationJob; created: boolean }> {
  const snapshot = await loadTemplateSnapshot(services, userId, templateId, body.version);
  await checkNotificationTargets(services, userId, body);
  const outputOptions = await resolveJobOutput(services, userId, snapshot, body);
  const requestHash = jobRequestHash(templateId, body, body.secrets && (await secretsDigest(services, userId, body.secrets)));
  const sealedSecrets = outputOptions?.encryption ? await sealJobSecrets(services, userId, body.secrets!) : undefined;
  const { job, created } = await services.repos.generationJobs.createOrGet({
    userId,
    templateId,
    templateVersion: snapshot.version,
    total: body.records.length,
    output: body.output,
    idempotencyKey: idempotencyKey ?? null,
    requestHash: idempotencyKey ? requestHash : null,
    webhookUrl: body.webhookUrl ?? null,
    notifyEmail: body.notifyEmail ?? null,
    testMode: body.testMode,
    ...(outputOptions ? { outputOptions } : {}),
    ...(sealedSecrets ? { sealedSecrets } : {}),
  });
  // Jobs made before hashes were kept have none: their key still returns them, as it did.
  if (!created && job.requestHash && job.requestHash !== requestHash) {
    throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was used with a different request', { jobId: job.id });
  }
  // A job is whole once marked enqueued; before that its messages are (still, or again) sent here.
  if (!created && (job.enqueuedAt || job.status !== 'queued')) return { job, created };
  // Pin the version resolved now, so a publish during the job does not change what later records render.
  const version = snapshot.version > 0 ? snapshot.version : undefined;
  try {
    await sendRecordMessages(
      services,
      { templateId, userId, jobId: job.id, ...(version ? { version } : {}), testMode: body.testMode },
      body.records.map((payload, index) => ({ index, payload })),
    );
  } catch (err) {
    if (err instanceof AppError && isClientFault(err.code)) throw err;
    // Either the job and all its messages exist, or neither: take the job back (messages already
    // sent find no job and are dropped), so the client's retry makes it afresh.
    if (created) {
      const keys = await services.repos.generationJobs.deleteUnenqueued(job.id);
      await services.blobs.deleteMany('generated', keys).catch(() => undefined);
    }
    services.log?.error({ err, jobId: job.id }, 'job messages could not be queued');
    throw new AppError(
      'queue_unavailable',
      'The job could not be queued; nothing was created. Try again shortly (the same Idempotency-Key is safe)',
      {
        retryAfterSeconds: 5,
      },
    );
  }
  return { job: await services.repos.generationJobs.markEnqueued(job.id), created };
}

/**
 * The records travel in chunk messages (record-chunks.ts: up to JOB_CHUNK_RECORDS records or CHUNK_BYTES
 * each), sent in batches: a 10,000-record job is about a hundred messages, not ten thousand.
 */
async function sendRecordMessages(
  services: Services,
  job: Pick<PdfGenerationMessage, 'templateId' | 'userId' | 'jobId' | 'version' | 'testMode'>,
  records: { index: number; payload: Record<string, unknown> }[],
): Promise<void> {
  const messages: PdfGenerationMessage[] = chunkRecords(records, services.config.jobs.chunkRecords).map((chunk) => ({
    ...job,
    payload: {},
    records: chunk,
  }));
  for (let i = 0; i < messages.length; i += 50) await services.queue.sendBatch('pdf-generation', messages.slice(i, i + 50));
}

/**
 * Sends again the job's records that failed for a passing reason (storage down, a lost worker):
 * their rows go back to pending and the job runs again, then finishes (result, webhook, email)
 * as it did the first time. Records refused for their data are not retried: they would fail the
 * same way. 409 nothing_to_retry when there is none.
 */
export async function retryFailedRecords(
  services: Services,
  userId: string,
  jobId: string,
): Promise<{ job: GenerationJob; retried: number }> {
  const { repos } = services;
  const before = await repos.generationJobs.getOwned(userId, jobId);
  if (before.status === 'cancelled' || before.status === 'queued' || before.status === 'running') {
    throw new ConflictError('invalid_transition', `Only a finished job's records can be retried; this one is ${before.status}`, {
      from: before.status,
    });
  }
  const { records, previousResultKey } = await repos.generatedPdfs.reopenRetryableJobRecords(jobId);
  if (records.length === 0)
    throw new ConflictError(
      'nothing_to_retry',
      'No failed record of this job can be retried (records refused for their data fail the same way again)',
    );
  if (previousResultKey) await services.blobs.delete('generated', previousResultKey).catch(() => undefined);
  const version = before.templateVersion > 0 ? before.templateVersion : undefined;
  try {
    await sendRecordMessages(
      services,
      { templateId: before.templateId, userId: before.userId, jobId, ...(version ? { version } : {}), testMode: before.testMode },
      records,
    );
  } catch (err) {
    // Put the records back as they were (failed, retryable), so a later retry finds them.
    for (const r of records) {
      const row = await repos.generatedPdfs.findByRecordKey(`${jobId}:${r.index}`);
      if (row?.status === 'pending') {
        await repos.generatedPdfs
          .markFailed(row.id, STORAGE_MESSAGE, {
            countInJob: { index: r.index, message: STORAGE_MESSAGE, retryable: true },
            retryPayload: r.payload,
          })
          .catch(() => undefined);
      }
    }
    await finalizeJob(services, jobId).catch(() => undefined);
    services.log?.error({ err, jobId }, 'retried records could not be queued');
    throw new AppError('queue_unavailable', 'The records could not be queued again; try again shortly', { retryAfterSeconds: 5 });
  }
  return { job: await repos.generationJobs.getInternal(jobId), retried: records.length };
}

function webhookTarget(services: Services): { allow: ReturnType<typeof parseAllowList>; resolve: HostResolver } {
  return { allow: parseAllowList(services.config.notifications.webhookAllowedHosts), resolve: services.resolveHost ?? systemResolver };
}

/**
 * A job makes the server send mail and HTTP requests where the client says, so both are limited:
 * the webhook to public addresses (or the deployment's allow-list), the email to the account's own
 * address or the deployment's domains — otherwise any account could have us mail anyone.
 */
export async function checkNotificationTargets(
  services: Services,
  userId: string,
  body: Pick<CreateJobBody, 'webhookUrl' | 'notifyEmail'>,
): Promise<void> {
  if (body.notifyEmail) {
    const email = body.notifyEmail.trim().toLowerCase();
    const domains = services.config.notifications.emailAllowedDomains;
    if (!domains.includes(email.slice(email.lastIndexOf('@') + 1))) {
      const own = (await services.repos.users.findById(userId)).email.toLowerCase();
      if (email !== own) {
        throw new AppError(
          'notify_email_forbidden',
          `notifyEmail must be the account's own email address${domains.length ? ` or an address at ${domains.join(', ')}` : ''}`,
          { field: 'notifyEmail' },
        );
      }
    }
  }
  if (body.webhookUrl) {
    const { allow, resolve } = webhookTarget(services);
    await checkWebhookUrl(body.webhookUrl, allow, resolve);
  }
}

const STORAGE_MESSAGE = 'queue_unavailable: the record could not be queued again';

export function isPermanent(err: unknown): boolean {
  return (
    err instanceof PayloadInvalidError ||
    err instanceof PdfError ||
    (err instanceof AppError && isClientFault(err.code) && !(err instanceof ConflictError))
  );
}

/**
 * A record's failure as its job's owner reads it: our typed errors with their message; anything
 * else (a file system or network error, a bug) by its kind only, since its text can name server
 * paths and hosts — the full error goes to the server log.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof PayloadInvalidError) return `payload_invalid: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  if (err instanceof PdfError || err instanceof AppError) return `${err.code}: ${err.message}`;
  return 'internal_error: the document could not be made; the record can be retried (POST /api/jobs/:id/retry)';
}

const snapshots = new PromiseCache<TemplateSnapshot>({ max: 256, ttlMs: 5000 });
/** A job's records share one snapshot load for a few seconds (one DynamoDB read per burst, not per record). */
export function jobSnapshot(
  services: Services,
  userId: string,
  templateId: string,
  version: VersionSelector,
  jobId: string,
): Promise<TemplateSnapshot> {
  return snapshots.getOrCreate(jobId, () => loadTemplateSnapshot(services, userId, templateId, version));
}

/**
 * One pdf-generation message. Idempotent: the record's document is keyed `${jobId}:${recordIndex}`,
 * its row is completed (or failed) exactly once, and only the delivery that makes that transition
 * moves the job's counters. A bad record (invalid data, unrenderable value) fails at once and is
 * kept in the job's errors; anything else is retried by the queue, and on the last attempt counts
 * as the record's failure.
 */
export async function handlePdfGeneration(services: Services, message: QueueMessageEnvelope<PdfGenerationMessage>): Promise<void> {
  const body = message.body;
  if (body.kind === FINALIZE_KIND && body.jobId) return finalizeJob(services, body.jobId, { attempt: message.attempt });
  if (!body.jobId || body.recordIndex === undefined) {
    // A fire-and-forget message (no job): one document, keyed by the message so a redelivery is a no-op.
    await generateAndStore(services, {
      userId: body.userId,
      templateId: body.templateId,
      payload: body.payload,
      version: body.version,
      testMode: body.testMode,
      recordKey: `msg:${message.id}`,
    });
    return;
  }
  const { repos } = services;
  const job = await repos.generationJobs.getInternal(body.jobId).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null; // taken back (never enqueued whole) or deleted with its account
    throw err;
  });
  if (!job || FINISHED_JOB_STATUSES.includes(job.status)) return;
  if (job.status === 'queued') await repos.generationJobs.markRunning(job.id).catch(() => undefined);
  const recordKey = `${job.id}:${body.recordIndex}`;
  let counted: boolean;
  try {
    const snapshot = await jobSnapshot(services, job.userId, job.templateId, body.version, job.id);
    const out = await generateAndStore(services, {
      userId: job.userId,
      templateId: job.templateId,
      payload: body.payload,
      testMode: job.testMode,
      recordKey,
      jobId: job.id,
      snapshot,
      resolvedOutput: recordOutput(job),
      secrets: await jobSecrets(services, job, recordOutput(job)),
    });
    // Completing the row counted it in job.done in the same transaction (markCompleted).
    counted = out.created;
  } catch (err) {
    if (!isPermanent(err) && message.attempt < MAX_ATTEMPTS) throw err;
    if (!isPermanent(err))
      services.log?.error({ err, jobId: job.id, recordIndex: body.recordIndex }, 'job record failed on its last attempt');
    // A passing failure keeps the record's data, so the owner can retry it once the cause is gone.
    counted = await recordFailure(
      services,
      job,
      recordKey,
      body.recordIndex,
      describeFailure(err),
      isPermanent(err) ? undefined : body.payload,
    );
  }
  await maybeFinish(services, job.id, !counted);
}

/** Records a job record's final failure once (row failed + job.failed in one write); false if it already had an outcome. */
export async function recordFailure(
  services: Services,
  job: GenerationJob,
  recordKey: string,
  index: number,
  reason: string,
  retryPayload?: Record<string, unknown>,
): Promise<boolean> {
  const { repos } = services;
  // Payload errors throw before the row exists; a row makes the failure idempotent too.
  const { pdf } = await repos.generatedPdfs.createOrGet({
    recordKey,
    userId: job.userId,
    templateId: job.templateId,
    templateVersion: job.templateVersion,
    jobId: job.id,
    testMode: job.testMode,
  });
  if (pdf.status === 'failed' || pdf.status === 'completed') return false;
  try {
    // Row failed and job.failed += 1 (with the error) in one transaction.
    await repos.generatedPdfs.markFailed(pdf.id, reason, {
      countInJob: { index, message: reason, ...(retryPayload ? { retryable: true } : {}) },
      ...(retryPayload ? { retryPayload } : {}),
    });
  } catch (err) {
    if (err instanceof ConflictError) return false; // another delivery recorded it first
    throw err;
  }
  return true;
}

/** Rows of the job by final status (the source of truth when counters may have missed a crash). */
async function countRows(services: Services, job: GenerationJob): Promise<{ done: number; failed: number }> {
  const [done, failed] = await Promise.all([
    services.repos.generatedPdfs.listByUser(job.userId, { jobId: job.id, status: 'completed', limit: 1 }),
    services.repos.generatedPdfs.listByUser(job.userId, { jobId: job.id, status: 'failed', limit: 1 }),
  ]);
  return { done: done.total, failed: failed.total };
}

/**
 * When every record has an outcome, one finalize message is enqueued (deduplicated by job id where
 * the queue can). A completed row is counted in the same transaction (markCompleted), so `done`
 * never lags its rows. A redelivered record (no counter moved) also recounts from the rows — only a
 * safety net: it runs when that redelivery arrives, which may be before the job's last record.
 */
export async function maybeFinish(services: Services, jobId: string, recount: boolean): Promise<void> {
  const job = await services.repos.generationJobs.getInternal(jobId);
  let finished = job.done + job.failed >= job.total;
  if (!finished && recount) {
    const rows = await countRows(services, job);
    finished = rows.done + rows.failed >= job.total;
  }
  if (!finished) return;
  await services.queue.send(
    'pdf-generation',
    { templateId: job.templateId, userId: job.userId, payload: {}, jobId: job.id, kind: FINALIZE_KIND },
    { deduplicationId: `finalize:${runKey(job)}` },
  );
}

/**
 * Builds the merged/zip result, marks the job finished, then notifies: email through the
 * email-notifications queue (deduplicated), webhook POSTed here (sendJobWebhook). `attempt` is the
 * finalize message's delivery; without one (the stalled-jobs sweep) no retry follows.
 */
export async function finalizeJob(services: Services, jobId: string, opts: { attempt?: number } = {}): Promise<void> {
  const { repos } = services;
  let job = await repos.generationJobs.getInternal(jobId);
  if (job.status === 'cancelled') return;
  if (job.status === 'queued' || job.status === 'running') {
    const rows = await countRows(services, job);
    if (rows.done + rows.failed < job.total) return; // not yet: the last record enqueues another
    // Counters follow the rows (a crash may have skipped an increment).
    if (rows.done !== job.done) await repos.generationJobs.incrementDone(job.id, rows.done - job.done);
    const resultKey = await buildJobResult(services, job);
    try {
      job = await repos.generationJobs.complete(job.id, { resultKey });
    } catch (err) {
      // Cancelled while the result was being built: the cancel stands; drop the unreferenced result.
      if (!(err instanceof ConflictError) || (await repos.generationJobs.getInternal(jobId)).status !== 'cancelled') throw err;
      if (resultKey) await services.blobs.delete('generated', resultKey).catch(() => undefined);
      return;
    }
  }
  const data = jobSummary(services, job);
  if (job.notifyEmail) {
    await services.queue.send(
      'email-notifications',
      {
        to: job.notifyEmail,
        subject: `PDF job ${job.status}: ${job.done} of ${job.total} documents`,
        text: `Your PDF generation job ${job.id} is ${job.status}.\n\nDocuments: ${job.done} generated, ${job.failed} failed, ${job.total} in total.\n`,
        template: 'job-completed',
        templateData: data,
      },
      { deduplicationId: `job-email:${runKey(job)}` },
    );
  }
  if (job.webhookUrl) await sendJobWebhook(services, job, job.webhookUrl, data, opts.attempt ?? MAX_ATTEMPTS);
}

/**
 * One delivery attempt, recorded on the job so its owner sees it (GET /api/jobs/:id). A failure
 * before the last attempt throws, so the queue retries the finalize message with backoff; on the
 * last one, or when the target is refused (the address check is permanent), the failure is kept
 * on the job and the message acknowledged. A delivered or finally failed webhook is not sent again
 * by a redelivered finalize message.
 */
async function sendJobWebhook(services: Services, job: GenerationJob, url: string, data: Record<string, unknown>, attempt: number) {
  const previous = webhookDeliveryOf(job);
  if (previous && previous.status !== 'retrying') return;
  const attempts = (previous?.attempts ?? 0) + 1;
  const lastAttemptAt = new Date().toISOString();
  const record = (d: Parameters<typeof services.repos.generationJobs.recordWebhookDelivery>[1]) =>
    services.repos.generationJobs.recordWebhookDelivery(job.id, d);
  try {
    await deliverWebhook(
      url,
      webhookSecret(services.signingSecret, job.userId),
      { id: `${runKey(job)}:job.${job.status}`, type: `job.${job.status}`, data },
      webhookTarget(services),
    );
  } catch (err) {
    const final = err instanceof WebhookUrlForbiddenError || attempt >= MAX_ATTEMPTS;
    // Our own messages name only the client's URL; anything else could carry internal detail.
    const lastError =
      err instanceof WebhookUrlForbiddenError || err instanceof WebhookDeliveryError ? err.message : 'webhook delivery failed';
    await record({ status: final ? 'failed' : 'retrying', attempts, lastAttemptAt, lastError });
    if (!final) throw err;
    return;
  }
  await record({ status: 'delivered', attempts, lastAttemptAt, deliveredAt: lastAttemptAt });
}

/**
 * One run of the job: its id, and after a retry of its failed records also when that run started,
 * so the retried run gets its own finalize message, email and webhook event id (the first run's
 * are deduplicated by the queue and by receivers).
 */
function runKey(job: GenerationJob): string {
  return job.retriedAt ? `${job.id}:${job.retriedAt.getTime()}` : job.id;
}

function jobSummary(services: Services, job: GenerationJob): Record<string, unknown> {
  void services;
  return {
    jobId: job.id,
    templateId: job.templateId,
    status: job.status,
    total: job.total,
    done: job.done,
    failed: job.failed,
    output: job.output,
    errors: job.errors,
  };
}
