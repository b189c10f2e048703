import type { Config } from '@/shared/config/index.js';
import { PgBossQueueDriver, type QueuePolicy } from './pgboss.js';
import type { QueueDriver } from './types.js';
import type { QueueName } from './messages.js';

export * from './messages.js';
export * from './types.js';
export { PgBossQueueDriver, DEFAULT_QUEUE_POLICIES, type PgBossQueueDriverOptions, type QueuePolicy } from './pgboss.js';

export interface CreateQueueDriverOptions {
  /** Local driver: the PostgreSQL URL (embedded: the PGlite socket URL). Default config.database.url. */
  connectionString?: string;
  schema?: string;
  poolMax?: number;
  policies?: Partial<Record<QueueName, Partial<QueuePolicy>>>;
  onError?: (err: Error) => void;
}

/** The driver config.queue.driver names: pg-boss on the relational database, or SQS. */
export function createQueueDriver(config: Pick<Config, 'queue' | 'region' | 'database'>, options: CreateQueueDriverOptions = {}): QueueDriver {
  const connectionString = options.connectionString ?? config.database.url;
  if (!connectionString) throw new Error('the local queue driver needs a PostgreSQL connection string');
  return new PgBossQueueDriver({
    connectionString,
    schema: options.schema,
    poolMax: options.poolMax ?? Math.min(config.database.poolMax, 4),
    policies: options.policies,
    onError: options.onError,
  });
}
