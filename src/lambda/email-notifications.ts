import { handleSqsEvent, type SqsBatchResponse, type SqsEvent } from '@/shared/queue/sqs-event.js';
import { emailNotificationsHandler } from '@/workers/email-notifications.js';
import { lambdaServices } from './shared/runtime.js';

export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  const { services } = await lambdaServices();
  return handleSqsEvent('email-notifications', event, emailNotificationsHandler(services));
}
