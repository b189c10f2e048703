import { z } from 'zod';

/**
 * The four queues and their message bodies. The minimal bodies validate unchanged
 * (`{templateId, userId, payload}`, `{action: 'cleanup_expired_pdfs', olderThanDays}`); the extra
 * fields are optional. Objects are loose: unknown keys pass through untouched, so a newer producer
 * never makes an older consumer drop a message.
 */
export const QUEUE_NAMES = ['pdf-generation', 'file-processing', 'cleanup', 'email-notifications'] as const;
export const queueNameSchema = z.enum(QUEUE_NAMES);
export type QueueName = z.infer<typeof queueNameSchema>;

const id = z.string().min(1).max(200);

export const pdfGenerationMessageSchema = z.looseObject({
  templateId: id,
  userId: id,
  /** Binding key → value, as posted by the client. */
  payload: z.record(z.string(), z.unknown()),
  /** The async job this record belongs to (absent for a fire-and-forget single-document message). */
  jobId: id.optional(),
  recordIndex: z.number().int().min(0).optional(),
  /** Template version to render; latest published when absent. */
  version: z.number().int().min(1).optional(),
  testMode: z.boolean().optional(),
  /**
   * A chunk of the job's records (then `payload` is empty and `recordIndex` absent): one message,
   * one fetch and one bulk write per chunk instead of per record. Sized by count and bytes.
   */
  records: z
    .array(z.object({ index: z.number().int().min(0), payload: z.record(z.string(), z.unknown()) }))
    .min(1)
    .max(1000)
    .optional(),
});

export const fileProcessingMessageSchema = z.looseObject({
  fileId: id,
  userId: id,
});

export const cleanupMessageSchema = z.discriminatedUnion('action', [
  z.looseObject({ action: z.literal('cleanup_expired_pdfs'), olderThanDays: z.number().int().min(0).max(3650) }),
  z.looseObject({
    action: z.literal('cleanup_orphaned_files'),
    /** Only blobs/rows older than this are touched, so uploads in flight are never taken for orphans. */
    olderThanHours: z.number().int().min(0).optional(),
    dryRun: z.boolean().optional(),
  }),
  z.looseObject({ action: z.literal('integrity_check'), repair: z.boolean().optional() }),
  /** Records without an outcome in jobs no record has moved for this long are failed, and the jobs finalized. */
  z.looseObject({ action: z.literal('settle_stalled_jobs'), stalledAfterMinutes: z.number().int().min(1).max(10_080).optional() }),
  /** An account export (services/accounts/tasks.ts): the task row says whose. */
  z.looseObject({ action: z.literal('export_account'), taskId: id }),
  /** The background part of an account deletion, accepted (and the account made unusable) by the request. */
  z.looseObject({ action: z.literal('delete_account'), taskId: id }),
]);

const email = z.string().email();
export const emailNotificationMessageSchema = z.looseObject({
  to: z.union([email, z.array(email).min(1).max(50)]),
  subject: z.string().min(1).max(998),
  text: z.string(),
  html: z.string().optional(),
  /** Name of a template the email worker renders (e.g. 'job-completed'); text/html are the fallback. */
  template: z.string().optional(),
  templateData: z.record(z.string(), z.unknown()).optional(),
});

export const queueMessageSchemas = {
  'pdf-generation': pdfGenerationMessageSchema,
  'file-processing': fileProcessingMessageSchema,
  cleanup: cleanupMessageSchema,
  'email-notifications': emailNotificationMessageSchema,
} as const;

export type QueueMessageMap = { [Q in QueueName]: z.infer<(typeof queueMessageSchemas)[Q]> };
export type QueueMessage<Q extends QueueName> = QueueMessageMap[Q];
export type PdfGenerationMessage = QueueMessage<'pdf-generation'>;
export type FileProcessingMessage = QueueMessage<'file-processing'>;
export type CleanupMessage = QueueMessage<'cleanup'>;
export type EmailNotificationMessage = QueueMessage<'email-notifications'>;

/** The dead-letter queue of each queue (pg-boss queue name; the SQS DLQ comes from the redrive policy). */
export const deadLetterQueueName = (queue: QueueName): string => `${queue}-dlq`;
