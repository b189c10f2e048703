import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { QUEUE_NAMES, type QueueName } from '@/shared/queue/index.js';

/**
 * fauxqs (an SQS-compatible HTTP server) in-process on a random port, with the four queues each
 * wired to its DLQ by a RedrivePolicy — the shape the CloudFormation resources give them in AWS.
 */
export interface FauxqsHandle {
  endpoint: string;
  client: SQSClient;
  urls: Record<QueueName, string>;
  dlqUrls: Record<QueueName, string>;
  stop(): Promise<void>;
}

export async function startSqs(options: {
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  prefix?: string;
}): Promise<FauxqsHandle> {
  const server = await startFauxqs({ port: 0, logger: false });
  // fauxqs accepts any credentials; the SDK still needs some to sign with.
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: server.address,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const urls = {} as Record<QueueName, string>;
  const dlqUrls = {} as Record<QueueName, string>;
  const prefix = options.prefix ?? '';
  for (const q of QUEUE_NAMES) {
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `${prefix}${q}-dlq` }));
    const dlqArn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
    const main = await client.send(
      new CreateQueueCommand({
        QueueName: `${prefix}${q}`,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn.Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount }),
        },
      }),
    );
    urls[q] = main.QueueUrl ?? '';
    dlqUrls[q] = dlq.QueueUrl ?? '';
  }
  return {
    endpoint: server.address,
    client,
    urls,
    dlqUrls,
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
