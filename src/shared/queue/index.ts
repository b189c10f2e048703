import type { Config } from '@/shared/config/index.js';
import { PgBossQueueDriver, type QueuePolicy } from './pgboss.js';
import { SqsQueueDriver } from './sqs.js';
import type { QueueDriver } from './types.js';
import type { QueueName } from './messages.js';
import type { SqsQueueDriverOptions } from './sqs.js';

export * from './messages.js';
export * from './types.js';
export { PgBossQueueDriver, DEFAULT_QUEUE_POLICIES, type PgBossQueueDriverOptions, type QueuePolicy } from './pgboss.js';
export { SqsQueueDriver, type SqsQueueDriverOptions, type SqsDelivery, type DeliveryOutcome } from './sqs.js';
export { handleSqsEvent, type SqsEvent, type SqsEventRecord, type SqsBatchResponse } from './sqs-event.js';

export interface CreateQueueDriverOptions {
  /** Local driver: the PostgreSQL URL (embedded: the PGlite socket URL). Default config.database.url. */
  connectionString?: string;
  schema?: string;
  /**
   * Default: 1 on embedded PGlite (no DATABASE_URL) — pglite-socket interleaves the protocol
   * messages of concurrent connections on its single session — else min(DB_POOL_MAX, 4).
   */
  poolMax?: number;
  policies?: Partial<Record<QueueName, Partial<QueuePolicy>>>;
  onError?: (err: unknown) => void;
  /** SQS driver: a ready client (tests). */
  sqsClient?: SqsQueueDriverOptions['client'];
}

/** The driver config.queue.driver names: pg-boss on the relational database, or SQS. */
export function createQueueDriver(
  config: Pick<Config, 'queue' | 'region' | 'database'>,
  options: CreateQueueDriverOptions = {},
): QueueDriver {
  if (config.queue.driver === 'sqs') {
    return new SqsQueueDriver({
      region: config.region,
      endpoint: config.queue.endpoint,
      // config names them as the environment does (PDF_GENERATION_QUEUE_URL → pdfGeneration); the
      // driver by queue. Passed as-is, the deployment's URLs were ignored and every queue was looked
      // up by its bare name, which no deployed queue has.
      urls: {
        'pdf-generation': config.queue.urls.pdfGeneration,
        'file-processing': config.queue.urls.fileProcessing,
        cleanup: config.queue.urls.cleanup,
        'email-notifications': config.queue.urls.emailNotifications,
      },
      client: options.sqsClient,
      onError: options.onError,
    });
  }
  const connectionString = options.connectionString ?? config.database.url;
  if (!connectionString) throw new Error('the local queue driver needs a PostgreSQL connection string');
  return new PgBossQueueDriver({
    connectionString,
    schema: options.schema,
    poolMax: options.poolMax ?? (config.database.url ? Math.min(config.database.poolMax, 4) : 1),
    policies: options.policies,
    leaseSeconds: config.queue.leaseSeconds,
    onError: options.onError,
  });
}
