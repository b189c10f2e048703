import { NotFoundError } from '@/shared/errors.js';
import type { FileProcessingMessage, MessageHandler } from '@/shared/queue/index.js';
import type { Deps } from '@/services/context.js';
import { processFile } from '@/services/files/process.js';

/**
 * The queue consumer's handler (embedded pg-boss consumer and the SQS Lambda alike). A file that
 * no longer exists is done, not an error: retrying cannot bring it back.
 */
export function fileProcessingHandler(services: Deps<'config' | 'repos' | 'blobs'>): MessageHandler<FileProcessingMessage> {
  return async ({ body }) => {
    try {
      await processFile(services, { fileId: body.fileId, userId: body.userId });
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
  };
}
