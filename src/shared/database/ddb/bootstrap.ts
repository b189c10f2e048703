import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { AppError } from '@/shared/errors.js';
import { tableDefinitions, type TableDefinition, type TableKey } from './tables.js';

/**
 * Idempotent table creation from the single definition module (tables.ts), for the local server
 * and for ad-hoc stages. Deployed stages get the same definitions through infrastructure code.
 */

export interface EnsureTablesOptions {
  /**
   * The local server has no UpdateTimeToLive; accept that only for a local endpoint. Default: the
   * client has a custom endpoint (isCustomEndpoint), i.e. we are not talking to AWS itself.
   */
  local?: boolean;
  only?: TableKey[];
  timeoutMs?: number;
}

export interface EnsuredTable {
  key: TableKey;
  tableName: string;
  created: boolean;
  status: string;
  /** The TTL attribute of the definition, and what the server reports about it. */
  ttl: { attribute: string; status: string };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isName(err: unknown, name: string): boolean {
  return (err as { name?: string })?.name === name;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

/** An existing table must have the keys and indexes the code relies on; say so clearly if not. */
function checkShape(def: TableDefinition, table: TableDescription): void {
  const keys = (schema?: { AttributeName?: string; KeyType?: string }[]) =>
    JSON.stringify((schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).sort());
  const problems: string[] = [];
  if (keys(def.create.KeySchema) !== keys(table.KeySchema)) problems.push('key schema differs');
  for (const gsi of def.create.GlobalSecondaryIndexes ?? []) {
    const actual = table.GlobalSecondaryIndexes?.find((g) => g.IndexName === gsi.IndexName);
    if (!actual) problems.push(`index ${gsi.IndexName} is missing`);
    else if (keys(actual.KeySchema) !== keys(gsi.KeySchema)) problems.push(`index ${gsi.IndexName} has other keys`);
  }
  if (problems.length) {
    throw new AppError('ddb_table_mismatch', `table ${def.create.TableName} does not match its definition: ${problems.join(', ')}`, {
      problems,
    });
  }
}

async function waitActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 1000)) {
    const table = await describe(client, tableName);
    const ready =
      table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((g) => !g.IndexStatus || g.IndexStatus === 'ACTIVE');
    if (table && ready) return table;
    if (Date.now() > deadline) throw new AppError('ddb_table_timeout', `table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await sleep(delay);
  }
}

async function ensureTtl(client: DynamoDBClient, def: TableDefinition, local: boolean): Promise<string> {
  const tableName = String(def.create.TableName);
  const current = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  if (current?.TimeToLiveStatus === 'ENABLED' || current?.TimeToLiveStatus === 'ENABLING') return current.TimeToLiveStatus;
  try {
    const out = await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: def.ttlAttribute } }),
    );
    return out.TimeToLiveSpecification?.Enabled ? 'ENABLING' : 'DISABLED';
  } catch (err) {
    // dynalite answers UnknownOperationException: locally, expired items simply stay (the
    // repositories hide items whose ttl has passed, as they must on AWS too, whose sweeper is
    // late by up to days). Against AWS a failure here must not be hidden.
    if (local && (isName(err, 'UnknownOperationException') || /UnknownOperation/.test(String((err as Error).message))))
      return 'UNSUPPORTED_LOCALLY';
    throw err;
  }
}

/** Creates missing tables (PAY_PER_REQUEST), waits until ACTIVE, enables TTL. Safe to repeat. */
export async function ensureTables(client: DynamoDBClient, stage: string, options: EnsureTablesOptions = {}): Promise<EnsuredTable[]> {
  const local = options.local ?? Boolean(client.config.isCustomEndpoint);
  const defs = Object.values(tableDefinitions(stage)).filter((d) => !options.only || options.only.includes(d.key));
  const results: EnsuredTable[] = [];
  for (const def of defs) {
    const tableName = String(def.create.TableName);
    let created = false;
    let table = await describe(client, tableName);
    if (!table) {
      try {
        await client.send(new CreateTableCommand({ ...def.create, BillingMode: 'PAY_PER_REQUEST' }));
        created = true;
      } catch (err) {
        // Another process created it between our describe and create: fine, wait for it below.
        if (!isName(err, 'ResourceInUseException')) throw err;
      }
    }
    table = await waitActive(client, tableName, options.timeoutMs ?? 60_000);
    checkShape(def, table);
    const ttl = await ensureTtl(client, def, local);
    results.push({
      key: def.key,
      tableName,
      created,
      status: String(table.TableStatus),
      ttl: { attribute: def.ttlAttribute, status: ttl },
    });
  }
  return results;
}
