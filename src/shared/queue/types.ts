import { ValidationError } from '@/shared/errors.js';
import { queueMessageSchemas, type QueueMessage, type QueueName } from './messages.js';

/** What a handler sees: the same shape whichever driver delivered it. */
export interface QueueMessageEnvelope<T> {
  body: T;
  /** Driver message id (pg-boss job id / SQS MessageId). */
  id: string;
  /** 1 on first delivery. */
  attempt: number;
}

/** Resolve = done (acknowledged); throw = retry with backoff, then dead-letter with the error kept. */
export type MessageHandler<T> = (message: QueueMessageEnvelope<T>) => Promise<void>;

export interface SendOptions {
  delaySeconds?: number;
  /**
   * At most one message with this id is enqueued. pg-boss: while the job is kept (until archived);
   * SQS: FIFO queues only (5-minute window) — ignored on standard queues, so consumers must still
   * be idempotent.
   */
  deduplicationId?: string;
}

export interface ConsumeOptions {
  /** Messages handled at the same time by this consumer. Default 1. */
  concurrency?: number;
}

export interface ScheduleOptions {
  /** Names one of several schedules on the same queue (e.g. 'expired-pdfs', 'orphans'); [a-z0-9-]. */
  key?: string;
}

export interface DeadLetter {
  id: string;
  /** The original body, unchanged. */
  body: unknown;
  /** The last failure's message, or a note when the queue itself moved the message. */
  reason: string;
  /** When the message was dead-lettered, when known. */
  failedAt?: Date;
}

export type StopConsumer = () => Promise<void>;

export interface QueueDriver {
  readonly driver: 'local' | 'sqs';
  /** Creates (local) or resolves (SQS) the queues; idempotent; called by the factory's users once. */
  start(): Promise<void>;
  /** Validates the body against its queue's schema; returns the message id, or null when deduplicated. */
  send<Q extends QueueName>(queue: Q, body: QueueMessage<Q>, options?: SendOptions): Promise<string | null>;
  sendBatch<Q extends QueueName>(queue: Q, bodies: QueueMessage<Q>[], options?: Omit<SendOptions, 'deduplicationId'>): Promise<string[]>;
  /** Starts delivering messages to the handler; the returned function stops and waits for in-flight handlers. */
  consume<Q extends QueueName>(queue: Q, handler: MessageHandler<QueueMessage<Q>>, options?: ConsumeOptions): Promise<StopConsumer>;
  /**
   * Cron schedule (5 fields, UTC) that enqueues `body` (local driver). One schedule per
   * (queue, key): scheduling the same pair again replaces it, so calling this at every start-up is
   * safe. In AWS the schedule is an EventBridge rule in the deployment instead (the SQS driver throws).
   */
  schedule<Q extends QueueName>(queue: Q, cron: string, body: QueueMessage<Q>, options?: ScheduleOptions): Promise<void>;
  unschedule(queue: QueueName, options?: ScheduleOptions): Promise<void>;
  /**
   * Whether the queue may still deliver a message whose body contains `match` (top-level key/value
   * equality): queued, waiting for a retry or in flight. pg-boss answers exactly. SQS cannot look
   * inside a queue, so it answers whether the queue holds any message at all (approximate counts of
   * visible, in-flight and delayed messages): conservative, never false while a match may be pending.
   */
  mayDeliver(queue: QueueName, match: Record<string, string | number>): Promise<boolean>;
  /** Dead-lettered messages of a queue, oldest first, without removing them. */
  peekDeadLetters(queue: QueueName, limit?: number): Promise<DeadLetter[]>;
  /** Moves up to `limit` dead letters back onto their queue (bodies unchanged) after a fix; returns how many. */
  redriveDeadLetters(queue: QueueName, limit?: number): Promise<number>;
  /** Stops consumers and releases connections. */
  close(): Promise<void>;
}

/**
 * SQS's message size limit (1 MiB since 2025; also the limit of one SendMessageBatch). Enforced by
 * every driver, so a message that works embedded also works on AWS. Large inputs (batch records)
 * belong in blob storage, with their key in the message.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Parses a body for a queue; a ValidationError lists every field problem. */
export function parseQueueMessage<Q extends QueueName>(queue: Q, body: unknown): QueueMessage<Q> {
  const parsed = queueMessageSchemas[queue].safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      `invalid ${queue} message`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
      'invalid_queue_message',
    );
  }
  return parsed.data as QueueMessage<Q>;
}

/** parseQueueMessage plus the size limit: what every send goes through. Returns the JSON text. */
export function serializeQueueMessage<Q extends QueueName>(queue: Q, body: unknown): { data: QueueMessage<Q>; json: string } {
  const data = parseQueueMessage(queue, body);
  const json = JSON.stringify(data);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new ValidationError(
      `${queue} message is ${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
      [{ path: '', code: 'too_big', message: `message exceeds ${MAX_MESSAGE_BYTES} bytes` }],
      'queue_message_too_large',
    );
  }
  return { data, json };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
