import type { QueueName } from './messages.js';

/**
 * The retry budget: deliveries of one message (first attempt included) before it is dead-lettered,
 * per queue. The one setting both drivers follow: pg-boss gets retryLimit = budget - 1, SQS reads
 * its queue's RedrivePolicy, whose maxReceiveCount scripts/generate-infra.ts writes from this table
 * into serverless.yml (tests/infrastructure/generated.test.ts fails when the two differ).
 */
export const RETRY_BUDGET: Record<QueueName, number> = {
  'pdf-generation': 3,
  'file-processing': 3,
  cleanup: 3,
  'email-notifications': 5,
};
