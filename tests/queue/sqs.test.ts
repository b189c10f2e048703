import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { createQueueDriver, handleSqsEvent, SqsQueueDriver, type SqsEvent } from '@/shared/queue/index.js';
import { startSqs, type FauxqsHandle } from '../helpers/sqs.js';
import { queueDriverContract } from './queue-contract.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The SQS driver over HTTP against fauxqs in-process: real SendMessage/ReceiveMessage/
 * ChangeMessageVisibility/DeleteMessage calls, queues with RedrivePolicy to their DLQs.
 */
let sqs: FauxqsHandle;
const make = () =>
  new SqsQueueDriver({
    region: 'us-east-1',
    endpoint: sqs.endpoint,
    urls: sqs.urls,
    waitTimeSeconds: 1,
    retryDelaySeconds: 1,
    onError: () => undefined,
  });

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  sqs = await startSqs({ maxReceiveCount: 2, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => {
  await sqs?.stop();
});

queueDriverContract('SqsQueueDriver (fauxqs over HTTP)', async () => ({
  create: async () => {
    const d = make();
    await d.start();
    return d;
  },
}));

/** A Lambda SQS event as AWS delivers it, built around messages really received from the queue. */
async function lambdaEvent(queueUrl: string, count: number, visibility = 30): Promise<SqsEvent> {
  const out = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: count,
      WaitTimeSeconds: 1,
      VisibilityTimeout: visibility,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return {
    Records: (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:pdf-generation',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('SQS specifics', () => {
  let driver: SqsQueueDriver;
  beforeAll(async () => {
    driver = make();
    await driver.start();
  });
  afterAll(async () => {
    await driver.close();
  });

  it('reads maxReceiveCount and the DLQ from the RedrivePolicy', async () => {
    expect(await driver.redrive('pdf-generation')).toEqual({ maxAttempts: 2, dlqUrl: sqs.dlqUrls['pdf-generation'] });
  });

  it('handleSqsEvent reports partial batch failures and dead-letters last attempts with the reason', async () => {
    const url = sqs.urls['pdf-generation'];
    const mk = (tag: string) => JSON.stringify({ templateId: 't', userId: 'u', payload: { tag } });
    for (const tag of ['ok', 'flaky', 'bad']) await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: mk(tag) }));
    await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{not json' }));
    const handler = async (m: { body: { payload: Record<string, unknown> }; attempt: number }) => {
      if (m.body.payload.tag === 'flaky' && m.attempt === 1) throw new Error('renderer busy');
      if (m.body.payload.tag === 'bad') throw new Error('template t not found');
    };
    // First delivery: 'flaky' and 'bad' and the non-JSON one fail and are reported; 'ok' is done.
    const event1 = await lambdaEvent(url, 10, 1);
    expect(event1.Records).toHaveLength(4);
    const byTag = (e: SqsEvent, tag: string) => e.Records.find((r) => r.body.includes(`"tag":"${tag}"`))?.messageId;
    const res1 = await handleSqsEvent('pdf-generation', event1, handler, driver);
    const nonJson = event1.Records.find((r) => r.body === '{not json')?.messageId;
    expect(res1.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [byTag(event1, 'flaky'), byTag(event1, 'bad'), nonJson].sort(),
    );
    // The Lambda service deletes the records not reported as failed; do what it does.
    const okRecord = event1.Records.find((r) => r.messageId === byTag(event1, 'ok'));
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: okRecord?.receiptHandle }));

    // Second delivery (after the 1–2 s backoff visibility): attempt 2 = maxReceiveCount.
    const event2: SqsEvent = { Records: [] };
    await eventually(
      async () => {
        event2.Records.push(...(await lambdaEvent(url, 10)).Records);
        expect(event2.Records.length).toBeGreaterThanOrEqual(3);
      },
      { timeoutMs: 15_000, what: 'the redeliveries' },
    );
    expect(event2.Records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    const res2 = await handleSqsEvent('pdf-generation', event2, handler, driver);
    // flaky succeeded; bad and non-JSON were moved to the DLQ, so none is reported as failed.
    expect(res2.batchItemFailures).toEqual([]);
    const dead = await driver.peekDeadLetters('pdf-generation');
    const reasons = dead.map((d) => d.reason).sort();
    expect(reasons).toEqual(['Error: message body is not JSON', 'Error: template t not found']);
    expect(dead.find((d) => d.reason.includes('not found'))?.body).toEqual({ templateId: 't', userId: 'u', payload: { tag: 'bad' } });
    expect(dead.find((d) => d.reason.includes('JSON'))?.body).toBe('{not json');
    expect(dead.every((d) => d.failedAt instanceof Date)).toBe(true);
  });

  it('a message from another producer that fails validation is dead-lettered with the field errors', async () => {
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.urls['file-processing'], MessageBody: JSON.stringify({ fileId: 42 }) }));
    let calls = 0;
    const stop = await driver.consume('file-processing', async () => void (calls += 1));
    let dead: Awaited<ReturnType<SqsQueueDriver['peekDeadLetters']>> = [];
    await eventually(async () => expect((dead = await driver.peekDeadLetters('file-processing')).length).toBeGreaterThan(0), {
      what: 'the dead letter',
    });
    await stop();
    expect(calls).toBe(0);
    expect(dead[0].body).toEqual({ fileId: 42 });
    expect(dead[0].reason).toMatch(/ValidationError: invalid file-processing message/);
  });

  it("SQS's own redrive is the safety net for a consumer that never settles a message", async () => {
    const url = sqs.urls['email-notifications'];
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ to: 'a@example.com', subject: 'lost', text: '.' }) }),
    );
    // Two receives with no delete (a crashed consumer), then the next receive finds it moved.
    for (let i = 0; i < 2; i += 1) {
      let got = 0;
      await eventually(
        async () => {
          const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1, WaitTimeSeconds: 1 }));
          got = out.Messages?.length ?? 0;
          expect(got).toBeGreaterThan(0);
        },
        { timeoutMs: 10_000, what: `receive ${i + 1}` },
      );
    }
    // Once its 1 s visibility ends, the next receive moves it to the DLQ instead of returning it.
    await eventually(
      async () => {
        const after = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
        expect(after.Messages ?? []).toEqual([]);
        const dead = await driver.peekDeadLetters('email-notifications');
        expect(dead.find((d) => (d.body as { subject: string }).subject === 'lost')?.reason).toMatch(/redrive policy/);
      },
      { timeoutMs: 15_000, what: 'the message to be moved to the DLQ' },
    );
  });

  it('createQueueDriver picks SQS for QUEUE_DRIVER=sqs with the configured URLs; schedules are refused', async () => {
    const d = createQueueDriver(
      loadConfig({
        QUEUE_DRIVER: 'sqs',
        SQS_ENDPOINT: sqs.endpoint,
        PDF_GENERATION_QUEUE_URL: sqs.urls['pdf-generation'],
        FILE_PROCESSING_QUEUE_URL: sqs.urls['file-processing'],
        CLEANUP_QUEUE_URL: sqs.urls.cleanup,
        EMAIL_NOTIFICATIONS_QUEUE_URL: sqs.urls['email-notifications'],
      }),
    );
    expect(d.driver).toBe('sqs');
    const id = await d.send('cleanup', { action: 'integrity_check', repair: false });
    expect(id).toMatch(/.+/);
    await expect(d.schedule('cleanup', '0 3 * * *', { action: 'cleanup_expired_pdfs', olderThanDays: 30 })).rejects.toThrow(/EventBridge/);
    await d.close();
  });
});
