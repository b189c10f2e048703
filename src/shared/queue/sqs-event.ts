import { getConfig } from '@/shared/config/index.js';
import type { QueueMessage, QueueName } from './messages.js';
import { SqsQueueDriver } from './sqs.js';
import type { MessageHandler } from './types.js';

/** The parts of a Lambda SQS event record this module reads (aws-lambda's SQSRecord). */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; [name: string]: string | undefined };
  messageAttributes?: Record<string, unknown>;
  eventSource?: string;
  eventSourceARN?: string;
  awsRegion?: string;
  md5OfBody?: string;
}

export interface SqsEvent {
  Records: SqsEventRecord[];
}

/** Lambda's partial batch response (needs ReportBatchItemFailures on the event source mapping). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

let defaultDriver: SqsQueueDriver | undefined;

function driverFromConfig(): SqsQueueDriver {
  const config = getConfig();
  defaultDriver ??= new SqsQueueDriver({ region: config.region, endpoint: config.queue.endpoint, urls: config.queue.urls });
  return defaultDriver;
}

/**
 * What each SQS Lambda handler calls. Records are handled one after another; a failed record
 * is reported in batchItemFailures (SQS redelivers it after the backoff visibility the driver set),
 * except on its last attempt, when it is moved to the DLQ with the reason and reported as done.
 * Successful records are deleted by Lambda itself.
 */
export async function handleSqsEvent<Q extends QueueName>(
  queue: Q,
  event: SqsEvent,
  handler: MessageHandler<QueueMessage<Q>>,
  driver: SqsQueueDriver = driverFromConfig(),
): Promise<SqsBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const outcome = await driver.process(
      queue,
      {
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        body: record.body,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
      },
      handler,
    );
    if (outcome === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}
