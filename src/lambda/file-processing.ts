import { handleSqsEvent, type SqsBatchResponse, type SqsEvent } from '@/shared/queue/sqs-event.js';
import { fileProcessingHandler } from '@/workers/file-processing.js';
import { lambdaServices } from './shared/runtime.js';

export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const { services } = await lambdaServices();
  return handleSqsEvent('file-processing', event, fileProcessingHandler(services));
}
