import type { MessageHandler } from '@/shared/queue/types.js';
import type { PdfGenerationMessage } from '@/shared/queue/messages.js';
import { FINALIZE_KIND, handlePdfGeneration } from '@/services/generation/jobs.js';
import { handleJobChunk } from '@/services/generation/job-chunk.js';
import { auditWorker } from './audit.js';
import type { Services } from '@/services/context.js';

/**
 * pdf-generation consumer: a chunk of a job's records (job-chunk.ts), one record of a job (idempotent on `${jobId}:${recordIndex}`), a job's
 * finalize step, or a fire-and-forget `{templateId, userId, payload}`. The logic lives in
 * src/services/generation so the API, embedded consumers and Lambda share it.
 */
export function pdfGenerationHandler(services: Services): MessageHandler<PdfGenerationMessage> {
  return async (message) => {
    const { body } = message;
    if (body.records && body.jobId && body.kind !== FINALIZE_KIND) return handleJobChunk(services, message);
    await handlePdfGeneration(services, message);
    // One row per queue-made document without a job, and one per job when it is finalized (not
    // one per record: a 10,000-record job is one action of its user).
    if (body.kind === FINALIZE_KIND && body.jobId)
      await auditWorker(services, {
        action: 'worker.job_finalize',
        resourceType: 'job',
        resourceId: body.jobId,
        details: { messageId: message.id },
      });
    else if (!body.jobId)
      await auditWorker(services, {
        action: 'worker.pdf_generate',
        resourceType: 'template',
        resourceId: body.templateId,
        actorId: body.userId,
        details: { messageId: message.id },
      });
  };
}
