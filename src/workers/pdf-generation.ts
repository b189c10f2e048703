import type { MessageHandler } from '@/shared/queue/types.js';
import type { PdfGenerationMessage } from '@/shared/queue/messages.js';
import { handlePdfGeneration } from '@/services/generation/jobs.js';
import type { Services } from '@/services/context.js';

/**
 * pdf-generation consumer: one record of a job (idempotent on `${jobId}:${recordIndex}`), a job's
 * finalize step, or a fire-and-forget `{templateId, userId, payload}`. The logic lives in
 * src/services/generation so the API, embedded consumers and Lambda share it.
 */
export function pdfGenerationHandler(services: Services): MessageHandler<PdfGenerationMessage> {
  return (message) => handlePdfGeneration(services, message);
}
