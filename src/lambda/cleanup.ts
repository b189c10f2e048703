import { handleSqsEvent, type SqsBatchResponse, type SqsEvent } from '@/shared/queue/sqs-event.js';
import { cleanupHandler } from '@/workers/cleanup.js';
import { lambdaServices } from './shared/runtime.js';

export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const { services } = await lambdaServices();
  return handleSqsEvent('cleanup', event, cleanupHandler(services));
}
