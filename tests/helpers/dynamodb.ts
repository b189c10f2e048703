import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients, type DynamoClients } from '@/shared/database/client.js';
import { ensureTables } from '@/shared/database/ddb/bootstrap.js';
import { createDdbRepositories, type DdbRepositories } from '@/shared/database/ddb/index.js';
import { startLocalDynamo, type LocalDynamoOptions } from '@/shared/database/ddb/local-server.js';
import { tableNames, type TableNames } from '@/shared/database/ddb/tables.js';
import type { BatchRetryOptions } from '@/shared/database/repository.js';

/**
 * The local DynamoDB-compatible server for tests: one in-process server per test file (beforeAll),
 * reached over HTTP with the real SDK; each test can take its own stage (fresh tables) with
 * newStage(), so tests never see each other's data.
 *
 *   let ddb: TestDynamo;
 *   beforeAll(async () => { ddb = await startTestDynamo(); });
 *   afterAll(() => ddb?.stop());
 *   it('…', async () => { const { repos } = await ddb.newStage(); await repos.templates.create(…); });
 */

export interface TestStage {
  stage: string;
  tables: TableNames;
  repos: DdbRepositories;
}

export interface TestDynamo extends TestStage {
  endpoint: string;
  client: DynamoDBClient;
  docClient: DynamoDBDocumentClient;
  /** A fresh stage with its tables created on this server. */
  newStage(options?: { batch?: Partial<BatchRetryOptions>; docClient?: DynamoDBDocumentClient }): Promise<TestStage>;
  /** A separate client pair for this server (e.g. to wrap `send` for fault injection). */
  newClients(): DynamoClients;
  stop(): Promise<void>;
}

/** A valid STAGE (lowercase, starts with a letter, ≤ 16 chars), unique per call. */
export function uniqueStage(prefix = 't'): string {
  return `${prefix}${randomBytes(8).toString('hex')}`.slice(0, 16);
}

/** Starts a server (in memory unless `path`/`dataDir` is given) and creates a first stage's tables. */
export async function startTestDynamo(options: LocalDynamoOptions = {}): Promise<TestDynamo> {
  const server = await startLocalDynamo(options);
  const clients = createDynamoClients({ endpoint: server.endpoint, region: 'us-east-1' });
  const opened: DynamoClients[] = [clients];
  const newStage: TestDynamo['newStage'] = async (stageOptions = {}) => {
    const stage = uniqueStage();
    await ensureTables(clients.client, stage, { local: true });
    const tables = tableNames(stage);
    return {
      stage,
      tables,
      repos: createDdbRepositories({ docClient: stageOptions.docClient ?? clients.docClient, tables, batch: stageOptions.batch }),
    };
  };
  let first: TestStage;
  try {
    first = await newStage();
  } catch (err) {
    clients.client.destroy();
    await server.stop();
    throw err;
  }
  return {
    ...first,
    endpoint: server.endpoint,
    client: clients.client,
    docClient: clients.docClient,
    newStage,
    newClients() {
      const more = createDynamoClients({ endpoint: server.endpoint, region: 'us-east-1' });
      opened.push(more);
      return more;
    },
    async stop() {
      for (const c of opened) c.client.destroy();
      await server.stop();
    },
  };
}
