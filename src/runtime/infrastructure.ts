import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Config } from '@/shared/config/index.js';
import { createDynamoClients, setDynamoClients, type DynamoClients } from '@/shared/database/client.js';
import { ensureTables } from '@/shared/database/ddb/bootstrap.js';
import type { LocalDynamo } from '@/shared/database/ddb/local-server.js';
import { startDatabase, type RunningDatabase } from '@/shared/database/prisma/database.js';
import { getPrisma } from '@/shared/database/prisma/client.js';
import { createBlobStore, RetryingBlobStore, type BlobStore } from '@/shared/storage/index.js';
import { PromiseCache } from '@/shared/promise-cache.js';
import { createQueueDriver, type QueueDriver } from '@/shared/queue/index.js';
import { PgBossQueueDriver } from '@/shared/queue/pgboss.js';
import { createMailer, type Mailer } from '@/shared/email/index.js';
import { resolveSigningSecret } from '@/shared/auth/signing-secret.js';
import type { HealthCheck } from '@/api/health/routes.js';
import { pendingMigrations } from '@/shared/database/prisma/readiness.js';

/**
 * Brings up what the service stands on, chosen by configuration only: the relational database
 * (DATABASE_URL or embedded PGlite), DynamoDB (AWS, DYNAMODB_ENDPOINT, or an in-process local
 * server), and blob storage (S3 or a directory). Embedded pieces persist under the data directory.
 */
export interface Infrastructure {
  config: Config;
  database: RunningDatabase;
  dynamo: DynamoClients & { local?: LocalDynamo; tables: Awaited<ReturnType<typeof ensureTables>> | undefined };
  blobs: BlobStore;
  queue: QueueDriver;
  mailer: Mailer;
  signingSecret: string;
  checks: HealthCheck[];
  /**
   * Tells the infrastructure the address the API listens on (local signed URLs are built on it
   * unless PUBLIC_URL is set); needed when the port was 0 and chosen by the system.
   */
  setListenUrl(url: string): void;
  stop(): Promise<void>;
}

/** Pending migrations, looked up at most every 30 s (/health is probed often; each lookup is a connection). */
/** Written and deleted by the storage health check (the files bucket holds no key outside users/ otherwise). */
const STORAGE_PROBE_KEY = 'health/probe';

const migrationState = {
  at: 0,
  pending: 0,
  async get(url: string): Promise<number> {
    if (Date.now() - this.at > 30_000) {
      this.pending = (await pendingMigrations(url)).length;
      this.at = Date.now();
    }
    return this.pending;
  },
};

export interface InfrastructureOptions {
  /**
   * The relational database, already being started by the caller (serve opens the embedded one
   * on its thread while the API's modules load). Started here when absent.
   */
  database?: Promise<RunningDatabase>;
}

export async function startInfrastructure(
  config: Config,
  log: (msg: string) => void = () => {},
  opts: InfrastructureOptions = {},
): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const signingSecret = await resolveSigningSecret(config);

    const t0 = performance.now();
    const database = await (opts.database ?? startDatabase({ dataDir: config.dataDir }));
    stops.push(() => database.stop());
    log(
      `postgres (${database.backend}) ready in ${Math.round(performance.now() - t0)} ms${database.appliedMigrations.length ? `, applied ${database.appliedMigrations.join(', ')}` : ''}`,
    );

    // DynamoDB: an explicit endpoint, AWS itself in aws mode, or a local server in embedded mode.
    let local: LocalDynamo | undefined;
    let endpoint = config.dynamodb.endpoint;
    if (!endpoint && config.mode === 'embedded') {
      // Loaded only here, so Lambda bundles (aws mode) leave the local DynamoDB server out.
      const { startLocalDynamo } = await import('@/shared/database/ddb/local-server.js');
      local = await startLocalDynamo({ dataDir: config.dataDir });
      stops.push(() => local!.stop());
      endpoint = local.endpoint;
    }
    const clients = setDynamoClients(createDynamoClients({ region: config.dynamodb.region, endpoint }));
    // Deployed stages get their tables from CloudFormation; locally we create them on first start.
    const tables = endpoint ? await ensureTables(clients.client, config.stage) : undefined;
    log(`dynamodb (${local ? 'local' : endpoint ? endpoint : 'aws'}) ready`);

    // Local signed URLs are absolute, so a client can use them as given (PUBLIC_URL behind a proxy).
    let ownUrl = config.http.port
      ? `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`
      : undefined;
    const store = createBlobStore(config, { signingSecret, publicBaseUrl: config.http.publicUrl ?? (() => ownUrl) });
    // Everything but the health check rides out a short storage outage; the check must see it.
    const blobs = new RetryingBlobStore(store, { budgetMs: config.storage.retrySeconds * 1000 });
    const storageProbe = new PromiseCache<void>({ max: 1, ttlMs: 10_000 });
    const setListenUrl = (url: string) => {
      ownUrl = url;
    };

    // The embedded queue (pg-boss) lives in the same PostgreSQL, so it survives restarts with it.
    const queue = createQueueDriver(config, {
      connectionString: database.url,
      onError: (err) => log(`queue error: ${(err as Error).message}`),
    });
    await queue.start();
    stops.push(() => queue.close());
    // PGlite belongs to this process alone, so anything still in flight was left by a dead one.
    if (database.backend === 'pglite' && queue instanceof PgBossQueueDriver) {
      const orphans = await queue.recoverOrphans();
      if (orphans) log(`queue: ${orphans} message(s) left in flight by a stopped process put back for retry`);
    }
    const mailer = createMailer(config);

    const checks: HealthCheck[] = [
      {
        name: 'postgres',
        driver: database.backend,
        check: async () => {
          await getPrisma().$queryRaw`SELECT 1`;
          // A deployment that shipped new code before its migrations: every route would fail.
          if (database.backend === 'postgresql') {
            const pending = await migrationState.get(database.url);
            if (pending > 0) throw new Error(`${pending} pending migration(s): run npm run db:migrate:deploy`);
          }
        },
      },
      {
        name: 'dynamodb',
        driver: local ? 'local' : endpoint ? 'endpoint' : 'aws',
        check: async () => {
          const out = await clients.client.send(new ListTablesCommand({}));
          const missing = Object.values(config.dynamodb.tables).filter((t) => !out.TableNames?.includes(t));
          if (missing.length) throw new Error(`missing tables: ${missing.join(', ')}`);
        },
      },
      {
        name: 'storage',
        driver: blobs.driver,
        // Writable, not only listable: a full or read-only store fails every upload and document.
        // Cached for 10 s, so polling /health costs one small write and delete per 10 s.
        check: () =>
          storageProbe.getOrCreate('probe', async () => {
            await store.put('files', STORAGE_PROBE_KEY, new TextEncoder().encode('ok'), { contentType: 'text/plain' });
            await store.delete('files', STORAGE_PROBE_KEY);
          }),
      },
      {
        name: 'queue',
        driver: queue.driver === 'local' ? 'pg-boss' : 'sqs',
        check: async () => void (await queue.peekDeadLetters('pdf-generation', 1)),
      },
    ];

    return {
      config,
      database,
      dynamo: { ...clients, local, tables },
      blobs,
      queue,
      mailer,
      signingSecret,
      checks,
      setListenUrl,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
