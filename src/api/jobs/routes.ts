import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookDeliveryOf, type GenerationJob } from '@/shared/database/prisma/index.js';
import { createJob, createJobBody, retryFailedRecords } from '@/services/generation/jobs.js';
import { jobResultKey } from '@/services/blob-keys.js';
import { webhookSecret, SIGNATURE_HEADER } from '@/services/generation/webhook.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate, pageOf, pageQuery } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import { DOWNLOAD_TTL_SECONDS } from '../generated-pdfs/routes.js';

const tags = ['jobs'];

const webhookSchema = z
  .object({
    url: z.string().describe('The webhookUrl the job was created with'),
    status: z
      .enum(['pending', 'retrying', 'delivered', 'failed', 'skipped'])
      .describe(
        'pending: not sent yet (the job has not finished); retrying: an attempt failed and the queue tries again with backoff; delivered: a 2xx answer; failed: no more attempts (see lastError); skipped: the job was cancelled',
      ),
    attempts: z.number().int().describe('Delivery attempts made so far'),
    lastAttemptAt: isoDate.optional().describe('When the last attempt was made'),
    lastError: z
      .string()
      .optional()
      .describe('Why the last attempt failed: the answer status, a network error code, or why the target was refused'),
    deliveredAt: isoDate.optional().describe('When the receiver accepted it'),
  })
  .describe("The job's webhook delivery (present when the job has a webhookUrl)");

export const jobSchema = z
  .object({
    id: z.string(),
    templateId: z.string(),
    templateVersion: z.number(),
    status: z
      .enum(['queued', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'])
      .describe(
        'completed_with_errors: finished with some records failed (see errors; POST /api/jobs/:id/retry sends the retryable ones again)',
      ),
    total: z.number(),
    done: z.number(),
    failed: z.number(),
    output: z.enum(['individual', 'merged', 'zip']),
    testMode: z.boolean(),
    errors: z.array(
      z.object({
        index: z.number().optional(),
        message: z.string(),
        retryable: z
          .boolean()
          .optional()
          .describe('Failed for a passing reason (storage, a lost worker): POST /api/jobs/:id/retry sends it again'),
      }),
    ),
    resultUrl: z.string().optional(),
    outputOptions: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "The output options every record is made with (the template's with the job's outputOptions, resolved at creation); for merged output they are applied to the merged document",
      ),
    webhook: webhookSchema.optional(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .describe('A batch generation job and its progress');

function webhookDto(job: GenerationJob, url: string): z.output<typeof webhookSchema> {
  const delivery = webhookDeliveryOf(job);
  if (!delivery) return { url, status: job.status === 'cancelled' ? 'skipped' : 'pending', attempts: 0 };
  return {
    url,
    status: delivery.status,
    attempts: delivery.attempts,
    lastAttemptAt: new Date(delivery.lastAttemptAt),
    ...(delivery.lastError ? { lastError: delivery.lastError } : {}),
    ...(delivery.deliveredAt ? { deliveredAt: new Date(delivery.deliveredAt) } : {}),
  };
}

/** Idempotency keys: printable, bounded (they are stored per user). */
const headers = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/)
    .optional(),
});

/** Async generation: create (Idempotency-Key honoured), list, status with per-record errors and result URL. */
export const jobRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs } = services;

  async function toDto(job: GenerationJob, withUrl: boolean) {
    const errors = Array.isArray(job.errors) ? (job.errors as { index?: number; message: string; retryable?: boolean }[]) : [];
    let resultUrl: string | undefined;
    if (withUrl && job.resultKey && (job.status === 'completed' || job.status === 'completed_with_errors')) {
      resultUrl = (
        await blobs.signedDownloadUrl('generated', job.resultKey, {
          expiresInSeconds: DOWNLOAD_TTL_SECONDS,
          filename: jobResultKey(job).split('/').pop(),
        })
      ).url;
    }
    return {
      id: job.id,
      templateId: job.templateId,
      templateVersion: job.templateVersion,
      status: job.status,
      total: job.total,
      done: job.done,
      failed: job.failed,
      output: job.output,
      testMode: job.testMode,
      errors,
      ...(resultUrl ? { resultUrl } : {}),
      ...(job.outputOptions ? { outputOptions: job.outputOptions as Record<string, unknown> } : {}),
      ...(job.webhookUrl ? { webhook: webhookDto(job, job.webhookUrl) } : {}),
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
  }

  app.post(
    '/api/templates/:id/jobs',
    {
      // Up to 10,000 records of data: allow a larger body than the default.
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        operationId: 'createJob',
        description:
          "Queues one document per record (up to 10,000). A record whose data is invalid fails alone and is listed in the job's errors. With webhookUrl the result is POSTed, signed, when the job finishes: the URL's host must resolve to public addresses only (422 webhook_url_forbidden otherwise, unless the deployment allow-lists it), and the delivery's outcome is shown on the job. With notifyEmail (the account's own address, or one at a domain the deployment allows; 422 notify_email_forbidden otherwise) an email is sent when the job finishes. The same Idempotency-Key with a different template or body answers 409 idempotency_key_reused (with the first job's `jobId`) instead of the first job.",
        tags,
        summary:
          'Generate many PDFs asynchronously. The same Idempotency-Key returns the first job (200) instead of creating another (202)',
        params: idParams,
        headers,
        body: createJobBody.describe('The records to generate and how to deliver them'),
        response: {
          200: z.object({ job: jobSchema }).describe('The job'),
          202: z.object({ job: jobSchema }).describe('The job'),
          ...problems(
            'not_found',
            'queue_message_too_large',
            'webhook_url_forbidden',
            'notify_email_forbidden',
            'idempotency_key_reused',
            'queue_unavailable',
            'output_options_conflict',
            'certificate_missing',
            'certificate_not_found',
            'certificate_expired',
            'encryption_password_missing',
            'timestamp_url_not_allowed',
          ),
        },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { job, created } = await createJob(services, userId, request.params.id, request.body, request.headers['idempotency-key']);
      if (created)
        request.audit = {
          action: 'jobs.create',
          resourceType: 'generation_job',
          resourceId: job.id,
          details: { templateId: job.templateId, total: job.total, output: job.output },
        };
      return reply.code(created ? 202 : 200).send({ job: await toDto(job, false) });
    },
  );

  app.get(
    '/api/jobs',
    {
      schema: {
        operationId: 'listJobs',
        summary: 'My generation jobs, newest first',
        description: "The user's batch generation jobs, paged, with their counts.",
        tags,
        querystring: pageQuery,
        response: { 200: pageOf(jobSchema), ...problems() },
      },
    },
    async (request) => {
      const page = await repos.generationJobs.listByUser(currentUser(request).userId, request.query);
      return { ...page, items: await Promise.all(page.items.map((j) => toDto(j, false))) };
    },
  );

  app.get(
    '/api/jobs/webhook-secret',
    {
      schema: {
        operationId: 'getWebhookSecret',
        description: 'The per-user secret job webhooks are signed with, and the header that carries the signature.',
        tags,
        summary: `The secret job webhooks are signed with (header ${SIGNATURE_HEADER}: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<body>")))`,
        response: {
          200: z.object({ secret: z.string(), header: z.string() }).describe('The webhook signing secret and its header'),
          ...problems(),
        },
      },
    },
    async (request) => ({ secret: webhookSecret(services.signingSecret, currentUser(request).userId), header: SIGNATURE_HEADER }),
  );

  app.get(
    '/api/jobs/:id',
    {
      schema: {
        operationId: 'getJob',
        summary: 'A generation job',
        description: 'The job with its counts and per-record errors; once completed, a merged or zip job also has a signed resultUrl.',
        tags,
        params: idParams,
        response: { 200: z.object({ job: jobSchema }).describe('The job'), ...problems('not_found') },
      },
    },
    async (request) => ({ job: await toDto(await repos.generationJobs.getOwned(currentUser(request).userId, request.params.id), true) }),
  );

  // Records already generated stay (and stay downloadable); queued records are skipped by the
  // consumer, no result is built and no notification is sent. A finished job cannot be cancelled.
  app.post(
    '/api/jobs/:id/cancel',
    {
      schema: {
        operationId: 'cancelJob',
        description:
          'Stops a queued or running job: documents already made stay, the remaining records are skipped, and no result, webhook or email follows.',
        tags,
        summary: 'Cancel a queued or running job (409 when it has already finished)',
        params: idParams,
        response: { 200: z.object({ job: jobSchema }).describe('The job'), ...problems('not_found', 'invalid_transition') },
      },
    },
    async (request) => {
      const job = await repos.generationJobs.cancel(currentUser(request).userId, request.params.id);
      request.audit = {
        action: 'jobs.cancel',
        resourceType: 'generation_job',
        resourceId: job.id,
        details: { done: job.done, failed: job.failed, total: job.total },
      };
      return { job: await toDto(job, false) };
    },
  );

  app.post(
    '/api/jobs/:id/retry',
    {
      schema: {
        operationId: 'retryJob',
        description:
          'Sends again the records of a finished job that failed for a passing reason (marked retryable in its errors: the document store was down, a worker was lost). Their errors are taken back, the job runs again and finishes as before: a new merged or zip result, the webhook and the email. Records refused for their data are not retried (they would fail the same way): fix the data and start a new job. 409 nothing_to_retry when there is none, invalid_transition while the job is still running.',
        tags,
        summary: "Retry a finished job's retryable failed records",
        params: idParams,
        response: {
          202: z.object({ job: jobSchema, retried: z.number().describe('Records sent again') }).describe('The job, running again'),
          ...problems('not_found', 'invalid_transition', 'nothing_to_retry', 'queue_unavailable'),
        },
      },
    },
    async (request, reply) => {
      const { job, retried } = await retryFailedRecords(services, currentUser(request).userId, request.params.id);
      request.audit = { action: 'jobs.retry', resourceType: 'generation_job', resourceId: job.id, details: { retried } };
      return reply.code(202).send({ job: await toDto(job, false), retried });
    },
  );
};
