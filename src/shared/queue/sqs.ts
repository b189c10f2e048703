import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { QUEUE_NAMES, type QueueMessage, type QueueName } from './messages.js';
import {
  errorMessage,
  MAX_MESSAGE_BYTES,
  parseQueueMessage,
  serializeQueueMessage,
  type ConsumeOptions,
  type DeadLetter,
  type MessageHandler,
  type QueueDriver,
  type SendOptions,
  type StopConsumer,
} from './types.js';
import { RETRY_BUDGET } from './retry-budget.js';

export interface SqsQueueDriverOptions {
  region: string;
  endpoint?: string;
  client?: SQSClient;
  /** Queue URLs by queue (config.queue.urls); a missing one is looked up with GetQueueUrl(queueName(queue)). */
  urls?: Partial<Record<QueueName, string>>;
  /** The SQS queue name for a queue when its URL is not configured. Default: the queue name itself. */
  queueName?: (queue: QueueName) => string;
  /** Long-poll wait of the receive loop (max 20). Default 20. */
  waitTimeSeconds?: number;
  /** Base of the retry backoff (doubles per attempt, up to 15 min). Default 5. */
  retryDelaySeconds?: number;
  /** Attempts before dead-lettering when the queue has no RedrivePolicy to say. Default: the queue's RETRY_BUDGET. */
  defaultMaxAttempts?: number;
  onError?: (err: unknown) => void;
}

interface Redrive {
  maxAttempts: number;
  dlqUrl?: string;
}

/** One received message, from ReceiveMessage or from a Lambda SQS event record. */
export interface SqsDelivery {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
}

export type DeliveryOutcome = 'done' | 'retry' | 'dead-lettered';

const MAX_VISIBILITY = 43_200;

/**
 * SQS with the queues' plain JSON bodies (no envelope). Retries are SQS redeliveries: a failed
 * message is left on the queue with its visibility stretched for backoff, and its
 * ApproximateReceiveCount is the attempt. On the last attempt (maxReceiveCount of the queue's
 * RedrivePolicy) the driver itself moves it to the DLQ with the failure reason as message
 * attributes, since SQS's own redrive keeps no reason; the redrive policy stays as the safety net
 * for consumers that die mid-message.
 */
export class SqsQueueDriver implements QueueDriver {
  readonly driver = 'sqs' as const;
  readonly client: SQSClient;
  private readonly ownsClient: boolean;
  private readonly urlCache = new Map<QueueName, Promise<string>>();
  private readonly redriveCache = new Map<QueueName, Promise<Redrive>>();
  private readonly stops = new Set<StopConsumer>();

  constructor(private readonly options: SqsQueueDriverOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? new SQSClient({ region: options.region, endpoint: options.endpoint });
  }

  private onError(err: unknown): void {
    (this.options.onError ?? ((e: unknown) => console.error('[queue:sqs]', e)))(err);
  }

  async start(): Promise<void> {
    await Promise.all(QUEUE_NAMES.map((q) => this.queueUrl(q)));
  }

  queueUrl(queue: QueueName): Promise<string> {
    let url = this.urlCache.get(queue);
    if (!url) {
      const configured = this.options.urls?.[queue];
      url = configured
        ? Promise.resolve(configured)
        : this.client.send(new GetQueueUrlCommand({ QueueName: (this.options.queueName ?? ((q) => q))(queue) })).then((out) => {
            if (!out.QueueUrl) throw new Error(`no URL for queue ${queue}`);
            return out.QueueUrl;
          });
      url.catch(() => this.urlCache.delete(queue));
      this.urlCache.set(queue, url);
    }
    return url;
  }

  /**
   * maxReceiveCount and the DLQ's URL, from the queue's RedrivePolicy (set by CloudFormation in
   * AWS). The DLQ URL is derived from the source URL (same host and account, the DLQ's name), so
   * only sqs:GetQueueAttributes on the source queue is needed; GetQueueUrl is the fallback.
   */
  redrive(queue: QueueName): Promise<Redrive> {
    let r = this.redriveCache.get(queue);
    if (!r) {
      r = (async () => {
        const QueueUrl = await this.queueUrl(queue);
        const out = await this.client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
        const raw = out.Attributes?.RedrivePolicy;
        if (!raw) return { maxAttempts: this.options.defaultMaxAttempts ?? RETRY_BUDGET[queue] };
        const policy = JSON.parse(raw) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
        const [, , , , account, name] = policy.deadLetterTargetArn.split(':');
        const source = new URL(QueueUrl);
        const parts = source.pathname.split('/').filter(Boolean);
        let dlqUrl: string | undefined;
        if (parts.length === 2 && parts[0] === account) {
          dlqUrl = `${source.origin}/${account}/${name}`;
        } else {
          dlqUrl = (await this.client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
        }
        return { maxAttempts: Number(policy.maxReceiveCount), dlqUrl };
      })();
      r.catch(() => this.redriveCache.delete(queue));
      this.redriveCache.set(queue, r);
    }
    return r;
  }

  /** Like redrive(), but a lookup failure (permissions, throttling) must not fail the delivery itself. */
  private async redriveOrDefault(queue: QueueName): Promise<Redrive> {
    try {
      return await this.redrive(queue);
    } catch (err) {
      this.onError(err);
      return { maxAttempts: this.options.defaultMaxAttempts ?? RETRY_BUDGET[queue] };
    }
  }

  private fifoFields(url: string, options: SendOptions) {
    if (!url.endsWith('.fifo')) return {};
    return { MessageGroupId: 'default', MessageDeduplicationId: options.deduplicationId ?? randomUUID() };
  }

  async send<Q extends QueueName>(queue: Q, body: QueueMessage<Q>, options: SendOptions = {}): Promise<string | null> {
    const { json } = serializeQueueMessage(queue, body);
    const QueueUrl = await this.queueUrl(queue);
    const out = await this.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: json,
        DelaySeconds: options.delaySeconds ? Math.min(Math.round(options.delaySeconds), 900) : undefined,
        ...this.fifoFields(QueueUrl, options),
      }),
    );
    return out.MessageId ?? null;
  }

  async sendBatch<Q extends QueueName>(
    queue: Q,
    bodies: QueueMessage<Q>[],
    options: Omit<SendOptions, 'deduplicationId'> = {},
  ): Promise<string[]> {
    const jsons = bodies.map((b) => serializeQueueMessage(queue, b).json);
    const QueueUrl = await this.queueUrl(queue);
    const ids: string[] = [];
    // A SendMessageBatch holds at most 10 messages and MAX_MESSAGE_BYTES in total.
    const chunks: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    jsons.forEach((json, i) => {
      const size = Buffer.byteLength(json);
      if (current.length === 10 || (current.length > 0 && bytes + size > MAX_MESSAGE_BYTES)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(i);
      bytes += size;
    });
    if (current.length) chunks.push(current);
    for (const chunk of chunks) {
      let entries = chunk.map((i) => ({
        Id: String(i),
        MessageBody: jsons[i],
        DelaySeconds: options.delaySeconds ? Math.min(Math.round(options.delaySeconds), 900) : undefined,
        ...this.fifoFields(QueueUrl, {}),
      }));
      // SendMessageBatch can fail per entry (throttling); retry those entries a few times.
      for (let tries = 0; entries.length > 0; tries += 1) {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
        for (const ok of out.Successful ?? []) ids[Number(ok.Id)] = ok.MessageId ?? '';
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        if (failed.size && tries >= 3) throw new Error(`SendMessageBatch failed: ${(out.Failed ?? []).map((f) => f.Message).join('; ')}`);
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
    return ids;
  }

  private backoffSeconds(attempt: number): number {
    const base = this.options.retryDelaySeconds ?? 5;
    const d = base * 2 ** Math.min(attempt - 1, 16) * (1 + Math.random() * 0.5);
    return Math.min(Math.max(Math.round(d), 0), 900);
  }

  /**
   * Runs the handler for one delivery and settles it: 'done' (caller deletes / reports success),
   * 'retry' (visibility set for backoff; caller leaves it or reports a batch item failure), or
   * 'dead-lettered' (already copied to the DLQ with its reason; caller deletes it).
   */
  async process<Q extends QueueName>(queue: Q, delivery: SqsDelivery, handler: MessageHandler<QueueMessage<Q>>): Promise<DeliveryOutcome> {
    const attempt = Math.max(delivery.receiveCount, 1);
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(delivery.body);
      } catch {
        throw new Error('message body is not JSON');
      }
      const body = parseQueueMessage(queue, raw);
      await handler({ body, id: delivery.messageId, attempt });
      return 'done';
    } catch (err) {
      const reason = errorMessage(err);
      const redrive = await this.redriveOrDefault(queue);
      if (attempt >= redrive.maxAttempts && redrive.dlqUrl) {
        try {
          const attrs: Record<string, MessageAttributeValue> = {
            FailureReason: { DataType: 'String', StringValue: reason.slice(0, 10_000) },
            SourceQueue: { DataType: 'String', StringValue: queue },
            Attempts: { DataType: 'Number', StringValue: String(attempt) },
            FailedAt: { DataType: 'String', StringValue: new Date().toISOString() },
            OriginalMessageId: { DataType: 'String', StringValue: delivery.messageId },
          };
          await this.client.send(
            new SendMessageCommand({ QueueUrl: redrive.dlqUrl, MessageBody: delivery.body, MessageAttributes: attrs }),
          );
          return 'dead-lettered';
        } catch (moveErr) {
          this.onError(moveErr); // fall through: SQS's own redrive will move it on the next receive
        }
      }
      try {
        const QueueUrl = await this.queueUrl(queue);
        const timeout = Math.min(this.backoffSeconds(attempt), MAX_VISIBILITY);
        await this.client.send(
          new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: delivery.receiptHandle, VisibilityTimeout: timeout }),
        );
      } catch (visErr) {
        this.onError(visErr); // the queue's own visibility timeout still brings it back
      }
      return 'retry';
    }
  }

  async consume<Q extends QueueName>(
    queue: Q,
    handler: MessageHandler<QueueMessage<Q>>,
    options: ConsumeOptions = {},
  ): Promise<StopConsumer> {
    const QueueUrl = await this.queueUrl(queue);
    await this.redrive(queue);
    let stopping = false;
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    // One long-polling loop per slot: each holds at most one message, so `concurrency` bounds the
    // work in flight. Stopping does not abort a pending long poll: an abandoned ReceiveMessage can
    // still be handed a message, which would then stay invisible for the whole visibility timeout.
    // So stop() waits for the poll (≤ waitTimeSeconds) and releases anything it brings back.
    const loop = async (): Promise<void> => {
      while (!stopping) {
        let messages;
        try {
          const out = await this.client.send(
            new ReceiveMessageCommand({
              QueueUrl,
              MaxNumberOfMessages: 1,
              WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
              MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            }),
          );
          messages = out.Messages ?? [];
        } catch (err) {
          if (stopping) return;
          this.onError(err);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        for (const m of messages) {
          if (!m.ReceiptHandle) continue;
          if (stopping) {
            await this.client
              .send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }))
              .catch((err: unknown) => this.onError(err));
            continue;
          }
          const outcome = await this.process(
            queue,
            {
              messageId: m.MessageId ?? '',
              receiptHandle: m.ReceiptHandle,
              body: m.Body ?? '',
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
            },
            handler,
          );
          if (outcome !== 'retry') {
            try {
              await this.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
            } catch (err) {
              this.onError(err); // it will be redelivered; idempotent handlers absorb that
            }
          }
        }
      }
    };
    const loops = Array.from({ length: concurrency }, () => loop());
    const stop: StopConsumer = async () => {
      this.stops.delete(stop);
      stopping = true;
      await Promise.allSettled(loops);
    };
    this.stops.add(stop);
    return stop;
  }

  async schedule(): Promise<void> {
    throw new Error('SQS has no schedules: in AWS the cleanup schedule is an EventBridge rule (serverless.yml)');
  }

  async unschedule(): Promise<void> {
    throw new Error('SQS has no schedules: in AWS the cleanup schedule is an EventBridge rule (serverless.yml)');
  }

  /**
   * Samples the DLQ without consuming it (VisibilityTimeout 0). SQS offers no true peek: this
   * bumps each message's receive count and, on a large DLQ, may not see every message.
   */
  async mayDeliver(queue: QueueName): Promise<boolean> {
    const QueueUrl = await this.queueUrl(queue);
    const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
    const out = await this.client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...names] }));
    return names.some((n) => Number(out.Attributes?.[n] ?? 0) > 0);
  }

  async peekDeadLetters(queue: QueueName, limit = 100): Promise<DeadLetter[]> {
    const { dlqUrl } = await this.redrive(queue);
    if (!dlqUrl) return [];
    const seen = new Map<string, DeadLetter>();
    for (let round = 0; round < 10 && seen.size < limit; round += 1) {
      const out = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      const before = seen.size;
      for (const m of out.Messages ?? []) {
        if (!m.MessageId || seen.has(m.MessageId)) continue;
        let body: unknown = m.Body;
        try {
          body = JSON.parse(m.Body ?? '');
        } catch {
          // keep the raw text: a dead letter may be a message that was never JSON
        }
        const attrs = m.MessageAttributes ?? {};
        seen.set(m.MessageId, {
          id: m.MessageId,
          body,
          reason: attrs.FailureReason?.StringValue ?? 'moved by the SQS redrive policy after maxReceiveCount receives (no reason recorded)',
          failedAt: attrs.FailedAt?.StringValue ? new Date(attrs.FailedAt.StringValue) : undefined,
        });
      }
      if (seen.size === before) break;
    }
    return [...seen.values()].slice(0, limit);
  }

  async redriveDeadLetters(queue: QueueName, limit = 100): Promise<number> {
    const { dlqUrl } = await this.redrive(queue);
    if (!dlqUrl) return 0;
    const QueueUrl = await this.queueUrl(queue);
    let moved = 0;
    while (moved < limit) {
      const out = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: Math.min(10, limit - moved),
          VisibilityTimeout: 60,
          WaitTimeSeconds: 0,
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        // Send first, then delete: a crash in between duplicates (idempotent consumers absorb it), never loses.
        await this.client.send(new SendMessageCommand({ QueueUrl, MessageBody: m.Body ?? '', ...this.fifoFields(QueueUrl, {}) }));
        await this.client.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
        moved += 1;
      }
    }
    return moved;
  }

  async close(): Promise<void> {
    for (const stop of [...this.stops]) await stop();
    if (this.ownsClient) this.client.destroy();
  }
}
