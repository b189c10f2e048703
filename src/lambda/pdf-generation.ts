import { handleSqsEvent, type SqsBatchResponse, type SqsEvent } from '@/shared/queue/sqs-event.js';
import { pdfGenerationHandler } from '@/workers/pdf-generation.js';
import { lambdaServices } from './shared/runtime.js';

export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const { services } = await lambdaServices();
  return handleSqsEvent('pdf-generation', event, pdfGenerationHandler(services));
}
