import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { getConfig } from '@/shared/config/index.js';
import { getDynamoClients, resetDynamoClients, setDynamoClients } from '../client.js';
import { ensureTables, type EnsuredTable } from './bootstrap.js';
import { startLocalDynamo } from './local-server.js';

/**
 * The embedded runtime's DynamoDB in one call: the local server (persisted under
 * `<dataDir>/dynamodb` unless inMemory), the process-wide clients pointed at it (so the singletons
 * `templatesRepository`/`fieldsRepository` use it), and the stage's tables created.
 */
export interface EmbeddedDynamo {
  endpoint: string;
  tables: EnsuredTable[];
  /** Milliseconds from call to tables ready. */
  startMs: number;
  stop(): Promise<void>;
}

export async function startEmbeddedDynamo(
  options: { dataDir?: string; stage?: string; inMemory?: boolean; port?: number } = {},
): Promise<EmbeddedDynamo> {
  const started = performance.now();
  const config = getConfig();
  const server = await startLocalDynamo({
    dataDir: options.inMemory ? undefined : (options.dataDir ?? config.dataDir),
    port: options.port,
  });
  try {
    const clients = setDynamoClients({ endpoint: server.endpoint, region: config.dynamodb.region });
    const tables = await ensureTables(clients.client, options.stage ?? config.stage, { local: true });
    return {
      endpoint: server.endpoint,
      tables,
      startMs: Math.round(performance.now() - started),
      async stop() {
        resetDynamoClients();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export interface DynamoHealth {
  ok: boolean;
  latencyMs: number;
  endpoint: string | undefined;
  error?: string;
}

/** For /health: both tables of the configured stage answer DescribeTable and are ACTIVE. */
export async function checkDynamoHealth(timeoutMs = 2_000): Promise<DynamoHealth> {
  const { client, endpoint } = getDynamoClients();
  const { tables } = getConfig().dynamodb;
  const started = performance.now();
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const described = await Promise.all(
      Object.values(tables).map((TableName) => client.send(new DescribeTableCommand({ TableName }), { abortSignal: signal })),
    );
    const inactive = described.filter((d) => d.Table?.TableStatus !== 'ACTIVE').map((d) => d.Table?.TableName);
    const latencyMs = Math.round(performance.now() - started);
    return inactive.length
      ? { ok: false, latencyMs, endpoint, error: `not ACTIVE: ${inactive.join(', ')}` }
      : { ok: true, latencyMs, endpoint };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), endpoint, error: (err as Error).message };
  }
}
