import { FINISHED_JOB_STATUSES, type GenerationJob } from '@/shared/database/prisma/index.js';
import type { CompletedRecord } from '@/shared/database/prisma/job-records.js';
import type { PdfGenerationMessage } from '@/shared/queue/messages.js';
import type { QueueMessageEnvelope } from '@/shared/queue/types.js';
import { NotFoundError } from '@/shared/errors.js';
import { prepareDocument, renderAndStore } from './generate.js';
import type { OutputSecrets } from '@/pdf/output/index.js';
import { jobSecrets, recordOutput } from './job-output.js';
import { describeFailure, isPermanent, jobSnapshot, MAX_ATTEMPTS, maybeFinish, recordFailure } from './jobs.js';
import type { ChunkRecord } from './record-chunks.js';
import type { Services } from '@/services/context.js';
import { MAX_GROUP } from '@/pdf/render-groups.js';

/**
 * How many of a chunk's records are prepared and rendered at once: enough that, while every thread
 * is busy, two full groups wait for each of them (the renderer sends waiting documents as one task),
 * so a thread never waits for this one to store the last group's documents and prepare the next.
 */
function inFlight(services: Services): number {
  return Math.max(1, services.config.engine.threads) * MAX_GROUP * 2;
}

/**
 * One chunk of a job. Its rows are claimed in one statement (made where missing); records whose row
 * already has an outcome (a redelivered chunk) are skipped; the others are rendered on the engine
 * pool and stored, then completed and counted in one statement. A record refused for its data fails
 * alone, at once; a passing failure (storage down) makes the chunk throw after the rest is
 * completed, so the queue redelivers it and only the unfinished records are done again — on the last
 * attempt such a record counts as failed, with its data kept for POST /api/jobs/:id/retry.
 */
export async function handleJobChunk(services: Services, message: QueueMessageEnvelope<PdfGenerationMessage>): Promise<void> {
  const body = message.body;
  const records = body.records ?? [];
  const { repos, config } = services;
  const job = await repos.generationJobs.getInternal(body.jobId!).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null; // taken back (never enqueued whole) or deleted with its account
    throw err;
  });
  if (!job || FINISHED_JOB_STATUSES.includes(job.status)) return;
  if (job.status === 'queued') await repos.generationJobs.markRunning(job.id).catch(() => undefined);
  const snapshot = await jobSnapshot(services, job.userId, job.templateId, body.version, job.id);
  const retentionDays = snapshot.template.retentionDays ?? config.limits.pdfRetentionDays;
  const rows = await repos.generatedPdfs.claimJobRecords(
    job,
    records.map((r) => r.index),
    new Date(Date.now() + retentionDays * 86_400_000),
  );
  const rowOf = new Map(rows.map((r) => [r.index, r]));
  const open = records.filter((r) => {
    const status = rowOf.get(r.index)?.status;
    return status === 'pending' || status === 'processing';
  });

  const output = recordOutput(job);
  // The stored certificate and sealed passwords are opened once per chunk, by the first record; a
  // failure (the certificate deleted since the job was made) is each record's failure, like bad data.
  let secrets: Promise<OutputSecrets | undefined> | undefined;
  const secretsOf = () => (secrets ??= jobSecrets(services, job, output));
  const completed: CompletedRecord[] = [];
  const failures: { record: ChunkRecord; err: unknown }[] = [];
  let next = 0;
  const work = async () => {
    for (let r = open[next++]; r; r = open[next++]) {
      const row = rowOf.get(r.index)!;
      try {
        const prepared = await prepareDocument(services, snapshot, { payload: r.payload, resolvedOutput: output });
        const request = { payload: r.payload, testMode: job.testMode, secrets: await secretsOf() };
        const { doc, storageKey } = await renderAndStore(services, snapshot, request, prepared, { userId: job.userId, id: row.id });
        completed.push({ id: row.id, storageKey, fileSize: doc.bytes.length, pageCount: doc.pageCount });
      } catch (err) {
        failures.push({ record: r, err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(open.length, inFlight(services)) }, work));

  let counters: { done: number; failed: number; total: number } | undefined;
  if (completed.length) counters = await repos.generatedPdfs.completeJobRecords(job.id, config.storage.buckets.generated, completed);
  let passing: unknown;
  let recount = rows.length - open.length > 0; // a redelivery: the counters may have missed a crash
  for (const { record, err } of failures) {
    const permanent = isPermanent(err);
    if (!permanent && message.attempt < MAX_ATTEMPTS) {
      passing ??= err;
      continue;
    }
    if (!permanent) services.log?.error({ err, jobId: job.id, recordIndex: record.index }, 'job record failed on its last attempt');
    const counted = await recordFailure(
      services,
      job,
      `${job.id}:${record.index}`,
      record.index,
      describeFailure(err),
      permanent ? undefined : record.payload,
    );
    recount ||= !counted;
    counters = undefined; // moved since the completion's counters
  }
  await finishIfDone(services, job, counters, recount);
  if (passing) throw passing;
}

async function finishIfDone(
  services: Services,
  job: GenerationJob,
  counters: { done: number; failed: number; total: number } | undefined,
  recount: boolean,
): Promise<void> {
  // The completion returned the counters it left: no second read unless a failure moved them since.
  if (counters && !recount && counters.done + counters.failed < counters.total) return;
  await maybeFinish(services, job.id, recount);
}
